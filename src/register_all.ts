import * as tf from '@tensorflow/tfjs';

import {cpuKernels} from '../kernels/cpu/index.js';
import {tensorflowKernels} from '../kernels/tensorflow/index.js';
import {webgpuKernels} from '../kernels/webgpu/index.js';
import {normGradConfig} from './core/gradient.js';
import {registerFlags} from './flags.js';
import {registerSerializableClasses} from './serialization.js';

/** Kernels of every backend this package supports, by backend. */
const ALL_KERNELS: tf.KernelConfig[] = [...cpuKernels, ...webgpuKernels, ...tensorflowKernels];

/**
 * Registers the package's flags, every kernel (all backends: a kernel for a backend that is
 * not loaded is simply never used), the gradient and the serializable classes. Idempotent.
 */
export function registerAll(): void {
  registerFlags();
  for (const config of ALL_KERNELS) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) {
      tf.registerKernel(config);
    }
  }
  tf.registerGradient(normGradConfig);
  registerSerializableClasses();
}
