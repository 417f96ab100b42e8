/**
 * The backward pass as element-wise native ops and reductions in stages, for every view.
 */
import * as tf from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import type {CompactView} from './compact_view.js';
import {isPresent} from './kernel_inputs.js';
import type {NativeOps} from './native_ops.js';
import {stagedReduce} from './staged_reduce.js';

/** Backward inputs in the compact shapes. */
export interface BackwardInputs {
  dy: tf.Tensor;
  x: tf.Tensor;
  /** Gamma in the compact parameter shape, `null` when absent. */
  gamma: tf.Tensor | null;
  mean: tf.Tensor;
  invStd: tf.Tensor;
}

/** The backward kernel's inputs as given: data in the input's shape, the rest flat. */
export interface RawBackwardInputs {
  dy: tf.Tensor;
  x: tf.Tensor;
  gamma: tf.Tensor;
  mean: tf.Tensor;
  invStd: tf.Tensor;
}

/** The inputs in the compact shapes. */
export function compactInputs(compact: CompactView, raw: RawBackwardInputs): BackwardInputs {
  return {
    dy: compact.data(raw.dy),
    x: compact.data(raw.x),
    gamma: isPresent(raw.gamma) ? compact.param(raw.gamma) : null,
    mean: compact.stat(raw.mean),
    invStd: compact.stat(raw.invStd),
  };
}

/** `x̂ = (x − mean) · invStd` (RMS: `x · invStd`). */
export function normalized(ops: NativeOps, t: BackwardInputs, centered: boolean): tf.Tensor {
  return ops.mul(centered ? ops.sub(t.x, t.mean) : t.x, t.invStd);
}

/** `dgamma = Σ dy · x̂` and `dbeta = Σ dy` per parameter, flat. */
export function paramGradients(
  ops: NativeOps,
  compact: CompactView,
  dy: tf.Tensor,
  xhat: tf.Tensor,
): [tf.Tensor, tf.Tensor] {
  const sum = (t: tf.Tensor) =>
    compact.flatParam(stagedReduce(ops, 'Sum', t, compact.paramReduced));
  return [sum(ops.mul(dy, xhat)), sum(dy)];
}

/**
 * `dx`: with `g' = dy · gamma · invStd` (one product when `invStd · gamma` is small),
 * `dx = g' − x̂ · mean(g' · x̂) − mean(g')`; RMS drops the last term and given statistics
 * keep only `g'`.
 */
export function inputGradient(
  ops: NativeOps,
  compact: CompactView,
  t: BackwardInputs,
  xhat: tf.Tensor,
  attrs: NormAttrs,
): tf.Tensor {
  let scaled: tf.Tensor;
  if (t.gamma === null) {
    scaled = ops.mul(t.dy, t.invStd);
  } else if (compact.scaleIsSmall()) {
    scaled = ops.mul(t.dy, ops.mul(t.invStd, t.gamma));
  } else {
    scaled = ops.mul(ops.mul(t.dy, t.gamma), t.invStd);
  }
  if (attrs.statsGiven) {
    return scaled;
  }

  const meanOf = (v: tf.Tensor) => stagedReduce(ops, 'Mean', v, compact.statReduced);
  const projection = meanOf(ops.mul(scaled, xhat));
  const dx = ops.sub(scaled, ops.mul(xhat, projection));
  return attrs.centered ? ops.sub(dx, meanOf(scaled)) : dx;
}

/** `[dx, dgamma, dbeta]` from element-wise ops, `dx` in the compact data shape. */
export function chainGradients(
  ops: NativeOps,
  compact: CompactView,
  raw: RawBackwardInputs,
  attrs: NormAttrs,
): tf.Tensor[] {
  const t = compactInputs(compact, raw);
  const xhat = normalized(ops, t, attrs.centered);
  return [inputGradient(ops, compact, t, xhat, attrs), ...paramGradients(ops, compact, t.dy, xhat)];
}
