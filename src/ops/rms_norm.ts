import * as tf from '@tensorflow/tfjs';

import {resolveAxes} from '../core/axes.js';
import {layerView} from '../core/view_builders.js';
import {normalize} from './normalize.js';
import {checkEpsilon, checkInput, flatParam} from './validate.js';

/** Options of {@link rmsNorm}. */
export interface RMSNormOptions {
  /** Normalized axis or axes. Default `-1`. */
  axis?: number | number[];
  /** Added to the mean square. Default `1e-6` (Keras's default). */
  epsilon?: number;
  /** Scale, with the shape of the normalized axes. Default: none. */
  scale?: tf.Tensor;
}

/** RMS normalization with the caller's name in error messages. */
export function rmsNormIn(where: string, x: tf.Tensor, options: RMSNormOptions): tf.Tensor {
  const {axis = -1, epsilon = 1e-6} = options;
  checkInput(x, where, 1);
  checkEpsilon(epsilon, where);
  const axes = resolveAxes(axis, x.rank, where);
  const paramShape = axes.map((a) => x.shape[a]);

  return tf.tidy(() => {
    const scale = flatParam(options.scale, 'scale', paramShape, where);
    const plan = layerView(x.shape, axes);
    return normalize({x, gamma: scale}, plan, {epsilon, centered: false}).y;
  });
}

/**
 * Root-mean-square normalization: `y = x / sqrt(mean(x²) + epsilon) · scale` over the
 * normalized axes (no mean subtraction, no offset). Differentiable with respect to `x` and
 * `scale`.
 */
export function rmsNorm(x: tf.Tensor, options: RMSNormOptions = {}): tf.Tensor {
  return rmsNormIn('tfn.ops.rmsNorm', x, options);
}
