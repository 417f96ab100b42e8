/**
 * tfjs-norm: Keras-style normalization layers for TensorFlow.js on fused kernels.
 * Importing this module registers every kernel, gradient and layer class of the package.
 */
import {registerAll} from './register_all.js';

registerAll();

export * from './base.js';
