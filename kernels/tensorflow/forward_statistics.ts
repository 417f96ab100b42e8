/**
 * The statistics of the forward kernel, computed with native reductions in stages (see
 * staged_reduce.ts) and always from centered data:
 *
 * - centered: `m = mean(x)`, `d = x − m` (exact in float32 when `|x| ≫ std`), then the
 *   residual `r = mean(d)` and `Σ(d − r)²`; the saved mean is `m + r`. A float32 `m` alone
 *   misses the true mean by up to half a unit in its last place, which for `mean 1e4, std 1`
 *   would move every output by 5e-4; subtracting `r` as well removes that.
 * - RMS (`centered: false`): `Σx²`.
 * - given statistics: the inputs.
 *
 * Sums of squares are taken as `EuclideanNorm` (one read, no squared copy of the data).
 */
import * as tf from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {reducedSize} from '../../src/core/view.js';
import type {CompactView} from './compact_view.js';
import type {NativeOps} from './native_ops.js';
import {stagedReduce} from './staged_reduce.js';

/** Statistics in the compact statistics shape, and what the output is computed from. */
export interface ForwardStatistics {
  /** The mean to save (zeros for RMS). */
  mean: tf.Tensor;
  /** Biased variance (mean square for RMS). */
  variance: tf.Tensor;
  /** `1 / sqrt(variance + epsilon)`. */
  invStd: tf.Tensor;
  /** Data the output normalizes: `x − m` when centered, else `x`. */
  base: tf.Tensor;
  /**
   * What is still to subtract from `base`: the residual mean `r` (centered), the given mean,
   * or `null` (RMS, and centered data whose residual is already subtracted).
   */
  shift: tf.Tensor | null;
}

/**
 * How centered statistics end: `keepResidual` leaves `r` in
 * {@link ForwardStatistics.shift}, for outputs that fold it into a small offset, and takes
 * the variance as `Σd²/n − r²` (no cancellation: `r` is a rounding error); `subtractResidual`
 * forms `d − r` and takes the variance from it directly.
 */
export type CenteredMode = 'keepResidual' | 'subtractResidual';

/**
 * Statistics of `x` (in the compact data shape).
 *
 * @param given - The given `mean` and `variance`, flat, when `attrs.statsGiven`.
 */
export function forwardStatistics(
  ops: NativeOps,
  compact: CompactView,
  x: tf.Tensor,
  attrs: NormAttrs,
  given: {mean: tf.Tensor; variance: tf.Tensor} | null,
  centeredMode: CenteredMode,
): ForwardStatistics {
  const reduce = (t: tf.Tensor, reduction: 'Mean' | 'EuclideanNorm') =>
    stagedReduce(ops, reduction, t, compact.statReduced);
  const meanSquare = (t: tf.Tensor) =>
    ops.mul(ops.unary('Square', reduce(t, 'EuclideanNorm')), ops.scalar(1 / reducedSize(attrs)));
  const invStdOf = (variance: tf.Tensor) =>
    ops.unary('Rsqrt', ops.add(variance, ops.scalar(attrs.epsilon)));

  if (given !== null) {
    const mean = compact.stat(given.mean);
    const variance = compact.stat(given.variance);
    return {mean, variance, invStd: invStdOf(variance), base: x, shift: mean};
  }

  if (!attrs.centered) {
    const variance = meanSquare(x);
    const invStd = invStdOf(variance);
    return {mean: ops.unary('ZerosLike', invStd), variance, invStd, base: x, shift: null};
  }

  const rough = reduce(x, 'Mean');
  const deviation = ops.sub(x, rough);
  const residual = reduce(deviation, 'Mean');
  const mean = ops.add(rough, residual);

  if (centeredMode === 'subtractResidual') {
    const centered = ops.sub(deviation, residual);
    const variance = meanSquare(centered);
    return {mean, variance, invStd: invStdOf(variance), base: centered, shift: null};
  }

  const variance = ops.sub(meanSquare(deviation), ops.unary('Square', residual));
  return {mean, variance, invStd: invStdOf(variance), base: deviation, shift: residual};
}
