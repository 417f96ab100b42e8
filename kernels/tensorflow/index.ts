import type {KernelConfig} from '@tensorflow/tfjs';

import {normBackwardConfig} from './norm_backward.js';
import {normForwardConfig} from './norm_forward.js';

/** Every kernel of the `tensorflow` (tfjs-node) backend. */
export const tensorflowKernels: KernelConfig[] = [normForwardConfig, normBackwardConfig];
