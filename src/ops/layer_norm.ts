import * as tf from '@tensorflow/tfjs';

import {resolveAxes} from '../core/axes.js';
import {layerView} from '../core/view_builders.js';
import {normalize} from './normalize.js';
import {checkEpsilon, checkInput, flatParam} from './validate.js';

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Normalized axis or axes, any order, negative allowed. Default `-1`. */
  axis?: number | number[];
  /** Added to the variance. Default `1e-3` (Keras's default). */
  epsilon?: number;
  /** Scale, with the shape of the normalized axes (in axis order). Default: none. */
  gamma?: tf.Tensor;
  /** Offset, with the shape of the normalized axes. Default: none. */
  beta?: tf.Tensor;
}

/** Layer normalization with the caller's name in error messages. */
export function layerNormIn(where: string, x: tf.Tensor, options: LayerNormOptions): tf.Tensor {
  const {axis = -1, epsilon = 1e-3} = options;
  checkInput(x, where, 1);
  checkEpsilon(epsilon, where);
  const axes = resolveAxes(axis, x.rank, where);
  const paramShape = axes.map((a) => x.shape[a]);

  return tf.tidy(() => {
    const gamma = flatParam(options.gamma, 'gamma', paramShape, where);
    const beta = flatParam(options.beta, 'beta', paramShape, where);
    const plan = layerView(x.shape, axes);
    return normalize({x, gamma, beta}, plan, {epsilon, centered: true}).y;
  });
}

/**
 * Layer normalization: for each position of the kept axes, over the normalized axes,
 * `y = (x − mean) / sqrt(var + epsilon) · gamma + beta` with the biased variance.
 * Differentiable with respect to `x`, `gamma` and `beta`.
 *
 * @example
 * ```js
 * const y = tfn.ops.layerNorm(x, {axis: -1, gamma, beta});
 * ```
 */
export function layerNorm(x: tf.Tensor, options: LayerNormOptions = {}): tf.Tensor {
  return layerNormIn('tfn.ops.layerNorm', x, options);
}
