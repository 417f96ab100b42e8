import type {KernelConfig} from '@tensorflow/tfjs';

/** Every kernel of the `tensorflow` (tfjs-node) backend. */
export const tensorflowKernels: KernelConfig[] = [];
