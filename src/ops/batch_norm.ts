import * as tf from '@tensorflow/tfjs';

import {resolveAxis} from '../core/axes.js';
import {check} from '../core/errors.js';
import {batchView} from '../core/view_builders.js';
import {normalize} from './normalize.js';
import {checkEpsilon, checkInput, flatParam} from './validate.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Channel axis. Default `-1`. */
  axis?: number;
  /** Added to the variance. Default `1e-3`. */
  epsilon?: number;
  /** Per-channel scale, shape `[C]`. Default: none. */
  gamma?: tf.Tensor;
  /** Per-channel offset, shape `[C]`. Default: none. */
  beta?: tf.Tensor;
  /** Given per-channel mean, shape `[C]` (inference). Give with `variance` or not at all. */
  mean?: tf.Tensor;
  /** Given per-channel variance, shape `[C]` (inference). */
  variance?: tf.Tensor;
}

/** Output of {@link batchNormWithStatistics}. */
export type BatchNormResult = {
  /** Normalized input. */
  output: tf.Tensor;
  /** Per-channel batch mean, shape `[C]`. */
  mean: tf.Tensor1D;
  /**
   * Per-channel biased batch variance, shape `[C]`, recovered as `1/invStd² − epsilon`: when
   * the variance is far below epsilon it keeps fewer significant digits.
   */
  variance: tf.Tensor1D;
};

/** Batch normalization with the caller's name in error messages. */
export function batchNormIn(where: string, x: tf.Tensor, options: BatchNormOptions) {
  const {axis = -1, epsilon = 1e-3} = options;
  checkInput(x, where, 2);
  checkEpsilon(epsilon, where);
  const channelAxis = resolveAxis(axis, x.rank, where);
  const channels = x.shape[channelAxis];
  check(
    (options.mean === undefined) === (options.variance === undefined),
    where,
    'mean/variance',
    'both or neither',
    () => (options.mean === undefined ? 'only variance' : 'only mean'),
  );

  return tf.tidy(() => {
    const gamma = flatParam(options.gamma, 'gamma', [channels], where);
    const beta = flatParam(options.beta, 'beta', [channels], where);
    const mean = flatParam(options.mean, 'mean', [channels], where);
    const variance = flatParam(options.variance, 'variance', [channels], where);
    const view = batchView(x.shape, channelAxis);
    return normalize(
      {x, gamma, beta, mean, variance},
      {view, permutation: null},
      {epsilon, centered: true},
    );
  });
}

/**
 * Batch normalization over every axis but the channel axis. Without `mean`/`variance` it
 * normalizes with the batch statistics (training); with them, it uses the given statistics
 * (inference): `y = (x − mean) / sqrt(variance + epsilon) · gamma + beta`.
 * Differentiable with respect to `x`, `gamma`, `beta` (and the given statistics).
 */
export function batchNorm(x: tf.Tensor, options: BatchNormOptions = {}): tf.Tensor {
  return tf.tidy(() => batchNormIn('tfn.ops.batchNorm', x, options).y);
}

/**
 * Batch normalization with the batch statistics, also returning them (as the moving-average
 * update of a training batch norm layer needs). Options `mean`/`variance` are not accepted.
 */
export function batchNormWithStatistics(
  x: tf.Tensor,
  options: Omit<BatchNormOptions, 'mean' | 'variance'> = {},
): BatchNormResult {
  const {epsilon = 1e-3} = options;
  return tf.tidy(() => {
    const out = batchNormIn('tfn.ops.batchNormWithStatistics', x, {
      ...options,
      mean: undefined,
      variance: undefined,
    });
    return {output: out.y, mean: out.mean, variance: varianceFromInvStd(out.invStd, epsilon)};
  });
}

/** The variance that an inverse standard deviation came from: `1/invStd² − epsilon`. */
export function varianceFromInvStd(invStd: tf.Tensor1D, epsilon: number): tf.Tensor1D {
  return tf.sub(tf.reciprocal(tf.square(invStd)), epsilon);
}
