import type {KernelConfig} from '@tensorflow/tfjs';

/** Every kernel of the `webgpu` backend. */
export const webgpuKernels: KernelConfig[] = [];
