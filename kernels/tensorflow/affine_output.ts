/** The forward output from its statistics, as element-wise native ops. */
import * as tf from '@tensorflow/tfjs';

import type {CompactView} from './compact_view.js';
import type {ForwardStatistics} from './forward_statistics.js';
import type {NativeOps} from './native_ops.js';

/** Optional affine parameters in the compact parameter shape, `null` when absent. */
export interface Affine {
  gamma: tf.Tensor | null;
  beta: tf.Tensor | null;
}

/**
 * `y = (base − shift) · invStd · gamma + beta`. When `invStd · gamma` is small (batch, group
 * and instance normalization) it is one product, and a centered residual shift `r` joins
 * beta in a small offset `beta − r · invStd · gamma`: two full-size ops. Otherwise (layer
 * normalization) one full-size op per term.
 *
 * @param shiftIsResidual - Whether `stats.shift` is the centered residual (a rounding error,
 *   safe to fold into the offset) rather than a given mean (subtracted first).
 */
export function affineOutput(
  ops: NativeOps,
  compact: CompactView,
  stats: ForwardStatistics,
  affine: Affine,
  shiftIsResidual: boolean,
): tf.Tensor {
  const {base, shift, invStd} = stats;

  if (!compact.scaleIsSmall()) {
    let y = shift === null ? base : ops.sub(base, shift);
    y = ops.mul(y, invStd);
    y = affine.gamma === null ? y : ops.mul(y, affine.gamma);
    return affine.beta === null ? y : ops.add(y, affine.beta);
  }

  const scale = affine.gamma === null ? invStd : ops.mul(invStd, affine.gamma);
  if (shift === null || !shiftIsResidual) {
    const y = ops.mul(shift === null ? base : ops.sub(base, shift), scale);
    return affine.beta === null ? y : ops.add(y, affine.beta);
  }
  const residualOffset = ops.mul(shift, scale);
  const offset =
    affine.beta === null ? ops.unary('Neg', residualOffset) : ops.sub(affine.beta, residualOffset);
  return ops.add(ops.mul(base, scale), offset);
}
