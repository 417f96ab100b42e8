import type {KernelConfig} from '@tensorflow/tfjs';

import {normBackwardConfig} from './norm_backward.js';
import {normForwardConfig} from './norm_forward.js';

/** Every kernel of the `webgpu` backend. */
export const webgpuKernels: KernelConfig[] = [normForwardConfig, normBackwardConfig];
