/**
 * When a view can run on TensorFlow's `FusedBatchNormV3` / `FusedBatchNormGradV3`: those ops
 * keep one statistics group per channel of a 4-D tensor, so every statistics group `(a, c)`
 * must be one channel, with the reduced elements of all groups laid out alike around it.
 */
import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {NormView, reducedSize, viewSize} from '../../src/core/view.js';
import type {BatchNormFormat} from './native_ops.js';

/** The 4-D shape and format that give each statistics group its own channel. */
export interface BatchNormLayout {
  format: BatchNormFormat;
  shape: number[];
}

/**
 * The batch-norm layout of `view`, or `null` when there is none: with both `outer` and `span`
 * above 1 (group norm channels-last, layer norm over middle axes) the groups interleave with
 * their reduced elements. The channels are the `outer · groups` statistics groups; `span` is
 * the batch and `width · inner` the spatial size, channels last (`NHWC`) when that size is 1.
 */
export function batchNormLayout(view: NormView): BatchNormLayout | null {
  if (view.outer > 1 && view.span > 1) {
    return null;
  }
  const channels = view.outer * view.groups;
  const spatial = view.width * view.inner;
  if (spatial === 1) {
    return {format: 'NHWC', shape: [1, 1, view.span, channels]};
  }
  return {format: 'NCHW', shape: [view.span, channels, 1, spatial]};
}

/**
 * Whether the affine parameters are indexed like the statistics (batch normalization), so
 * the batch-norm ops can take gamma and beta as their per-channel scale and offset.
 */
export function paramsFollowStats(view: NormView): boolean {
  return (
    view.outer === 1 &&
    !view.paramOverSpan &&
    !view.paramOverWidth &&
    (view.paramOverGroups || view.groups === 1)
  );
}

/**
 * Size from which one `FusedBatchNormV3`/`FusedBatchNormGradV3` call beats the element-wise
 * chain when the parameters do not follow the statistics: the fused ops cost about 0.15 ms
 * more per call (measured, oneDNN build of TF 2.21).
 */
const FUSED_MIN_SIZE = 1 << 17;

/**
 * Largest statistics group given to the fused ops in training: their per-channel sums are
 * sequential float32, measured 1e-5 relative error on the variance and 2e-6 on `dgamma` at
 * 2¹⁶ elements per channel, 2e-5 on `dgamma` at 2²⁰ (1e-7 with the staged chain).
 */
const FUSED_MAX_GROUP = 1 << 18;

/**
 * Whether the forward kernel in training runs as `FusedBatchNormV3` on centered data: batch
 * normalization (parameters follow the statistics) with groups small enough for its sums.
 */
export function useFusedTraining(attrs: NormAttrs): boolean {
  return (
    !attrs.statsGiven &&
    attrs.centered &&
    batchNormLayout(attrs) !== null &&
    paramsFollowStats(attrs) &&
    reducedSize(attrs) <= FUSED_MAX_GROUP
  );
}

/**
 * Whether the forward output with given statistics runs as one `FusedBatchNormV3` at
 * inference (batch normalization at inference, large enough to pay for the call).
 */
export function useFusedInference(attrs: NormAttrs): boolean {
  return (
    attrs.statsGiven &&
    attrs.centered &&
    batchNormLayout(attrs) !== null &&
    paramsFollowStats(attrs) &&
    viewSize(attrs) >= FUSED_MIN_SIZE
  );
}

/**
 * Whether `dx` (and, when the parameters follow the statistics, `dgamma` and `dbeta`) come
 * from one `FusedBatchNormGradV3`: centered views with a batch-norm layout and groups small
 * enough for its sums; batch normalization always, other views when large. Never on a GPU,
 * where the op expects cuDNN's own saved values instead of the mean and variance, and with
 * given statistics only channels-last (TensorFlow's cpu kernel without oneDNN supports no
 * other format at inference).
 */
export function useFusedGradient(attrs: NormAttrs, onGpu: boolean): boolean {
  const layout = batchNormLayout(attrs);
  if (onGpu || !attrs.centered || layout === null || reducedSize(attrs) > FUSED_MAX_GROUP) {
    return false;
  }
  if (attrs.statsGiven) {
    return layout.format === 'NHWC' && paramsFollowStats(attrs);
  }
  return paramsFollowStats(attrs) || viewSize(attrs) >= FUSED_MIN_SIZE;
}
