/**
 * The kernels' paths through TensorFlow's `FusedBatchNormV3` / `FusedBatchNormGradV3`, for
 * views with a batch-norm layout (see batch_norm_layout.ts for when each is used).
 */
import * as tf from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {reducedSize} from '../../src/core/view.js';
import {compactInputs, normalized, paramGradients, RawBackwardInputs} from './backward_chain.js';
import {batchNormLayout, paramsFollowStats} from './batch_norm_layout.js';
import type {CompactView} from './compact_view.js';
import {isPresent} from './kernel_inputs.js';
import type {NativeOps} from './native_ops.js';
import {stagedReduce} from './staged_reduce.js';

/** Flat per-channel parameters for the fused ops, with ones / zeros for absent ones. */
function channelParams(
  ops: NativeOps,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  like: tf.Tensor,
): {scale: tf.Tensor; offset: tf.Tensor} {
  return {
    scale: isPresent(gamma) ? gamma : ops.unary('OnesLike', like),
    offset: isPresent(beta) ? beta : ops.unary('ZerosLike', like),
  };
}

/**
 * Batch normalization in training as one `FusedBatchNormV3` on data centered by its staged
 * mean `m`: the op's float32 sums then see deviations only, so its statistics stay accurate
 * for large means, and its output is `(x − m − r) · invStd · gamma + beta` with its own batch
 * mean `r` of the centered data. Saves `m + r` and `invStd` from the unbiased batch variance.
 *
 * @param x - Data in the compact shape.
 * @returns `y` in the batch-norm layout, and the flat `mean` and `invStd`.
 */
export function fusedTraining(
  ops: NativeOps,
  compact: CompactView,
  x: tf.Tensor,
  params: {gamma: tf.Tensor; beta: tf.Tensor},
  attrs: NormAttrs,
): {y: tf.Tensor; mean: tf.Tensor; invStd: tf.Tensor} {
  const layout = batchNormLayout(attrs)!;
  const rough = stagedReduce(ops, 'Mean', x, compact.statReduced);
  const centered = ops.reshape(ops.sub(x, rough), layout.shape);
  const roughFlat = compact.flatStat(rough);
  const {scale, offset} = channelParams(ops, params.gamma, params.beta, roughFlat);
  const empty = tf.tensor1d([], 'float32');
  const settings = {format: layout.format, epsilon: attrs.epsilon, training: true};
  const out = ops.fusedBatchNorm(centered, scale, offset, empty, empty, settings);

  const n = reducedSize(attrs);
  const variance =
    n > 1 ? ops.mul(out.besselVariance, ops.scalar((n - 1) / n)) : out.besselVariance;
  const invStd = ops.unary('Rsqrt', ops.add(variance, ops.scalar(attrs.epsilon)));
  return {y: out.y, mean: ops.add(roughFlat, out.mean), invStd};
}

/**
 * Batch normalization with given statistics as one `FusedBatchNormV3` at inference:
 * `(x − mean) · rsqrt(variance + ε) · gamma + beta` in one pass over `x`.
 *
 * @returns `y` in the batch-norm layout, a copy of the given mean and the flat `invStd`.
 */
export function fusedInference(
  ops: NativeOps,
  x: tf.Tensor,
  inputs: {gamma: tf.Tensor; beta: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor},
  attrs: NormAttrs,
): {y: tf.Tensor; mean: tf.Tensor; invStd: tf.Tensor} {
  const layout = batchNormLayout(attrs)!;
  const {mean, variance} = inputs;
  const {scale, offset} = channelParams(ops, inputs.gamma, inputs.beta, variance);
  const settings = {format: layout.format, epsilon: attrs.epsilon, training: false};
  const data = ops.reshape(x, layout.shape);
  const y = ops.fusedBatchNorm(data, scale, offset, mean, variance, settings).y;
  const invStd = ops.unary('Rsqrt', ops.add(variance, ops.scalar(attrs.epsilon)));
  return {y, mean: ops.unary('Identity', mean), invStd};
}

/**
 * `[dx, dgamma, dbeta]` with `dx` from one `FusedBatchNormGradV3`. The variance it expects is
 * rebuilt as `1 / invStd²` with epsilon 0, so it recomputes the forward `invStd` up to
 * rounding. Gamma rides in the op when the parameters follow the statistics (batch
 * normalization: one call gives all three); otherwise `dy · gamma` goes in and the parameter
 * sums come from element-wise ops.
 *
 * @returns `dx` in the batch-norm layout and the flat parameter gradients.
 */
export function fusedGradients(
  ops: NativeOps,
  compact: CompactView,
  raw: RawBackwardInputs,
  attrs: NormAttrs,
): tf.Tensor[] {
  const layout = batchNormLayout(attrs)!;
  const variance = ops.unary('Reciprocal', ops.unary('Square', raw.invStd));
  const settings = {format: layout.format, epsilon: 0, training: !attrs.statsGiven};
  const x = ops.reshape(raw.x, layout.shape);

  if (paramsFollowStats(attrs)) {
    const scale = isPresent(raw.gamma) ? raw.gamma : ops.unary('OnesLike', variance);
    const dy = ops.reshape(raw.dy, layout.shape);
    const grads = ops.fusedBatchNormGrad(dy, x, scale, raw.mean, variance, settings);
    return [grads.dx, compact.flatParam(grads.dscale), compact.flatParam(grads.doffset)];
  }

  const t = compactInputs(compact, raw);
  const dy = t.gamma === null ? t.dy : ops.mul(t.dy, t.gamma);
  const ones = ops.unary('OnesLike', variance);
  const grads = ops.fusedBatchNormGrad(
    ops.reshape(dy, layout.shape),
    x,
    ones,
    raw.mean,
    variance,
    settings,
  );
  return [grads.dx, ...paramGradients(ops, compact, t.dy, normalized(ops, t, true))];
}
