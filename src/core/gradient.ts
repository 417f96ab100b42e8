import * as tf from '@tensorflow/tfjs';

import {NORM_BACKWARD, NORM_FORWARD, NormAttrs} from './kernel_contract.js';
import {paramBroadcastShape, statBroadcastShape, viewShape} from './view.js';

/**
 * Gradients of the statistics inputs when the statistics were given (batch normalization at
 * inference): `dmean = −invStd · Σg` and `dvariance = −½ · invStd² · Σ g·x̂` per statistics
 * group. Rarely needed (moving statistics are not trainable), so written with generic ops.
 */
function givenStatsGradients(
  dy: tf.Tensor,
  x: tf.Tensor,
  gamma: tf.Tensor,
  mean: tf.Tensor,
  invStd: tf.Tensor,
  attrs: NormAttrs,
): {dmean: tf.Tensor; dvariance: tf.Tensor} {
  const shape = viewShape(attrs);
  const statShape = statBroadcastShape(attrs);
  const reduced = [1, 3, 4];
  const dy5 = tf.reshape(dy, shape);
  const g = gamma.size > 0 ? tf.mul(dy5, tf.reshape(gamma, paramBroadcastShape(attrs))) : dy5;
  const inv = tf.reshape(invStd, statShape);
  const xhat = tf.mul(tf.sub(tf.reshape(x, shape), tf.reshape(mean, statShape)), inv);

  const dmean = tf.neg(tf.mul(tf.sum(g, reduced, true), inv));
  const dvariance = tf.mul(tf.sum(tf.mul(g, xhat), reduced, true), tf.mul(tf.square(inv), -0.5));
  return {dmean: tf.reshape(dmean, [-1]), dvariance: tf.reshape(dvariance, [-1])};
}

/**
 * Gradient of the fused forward kernel, for every backend: one launch of the fused backward
 * kernel gives `dx`, `dgamma` and `dbeta` together. The statistics outputs (`mean`,
 * `invStd`) are treated as constants: gradients that reach them are ignored.
 */
export const normGradConfig: tf.GradConfig = {
  kernelName: NORM_FORWARD,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [x, gamma, mean, invStd] = saved;
    const dy = Array.isArray(dys) ? dys[0] : dys;
    const normAttrs = attrs as unknown as NormAttrs;
    const [dx, dgamma, dbeta] = tf
      .engine()
      .runKernel(NORM_BACKWARD, {dy, x, gamma, mean, invStd}, attrs) as tf.Tensor[];

    return {
      x: () => dx,
      gamma: () => dgamma,
      beta: () => dbeta,
      mean: () => givenStatsGradients(dy, x, gamma, mean, invStd, normAttrs).dmean,
      variance: () => givenStatsGradients(dy, x, gamma, mean, invStd, normAttrs).dvariance,
    };
  },
};
