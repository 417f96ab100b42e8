/**
 * Reductions in stages that keep TensorFlow's cpu reductions fast and accurate.
 *
 * TensorFlow sums the innermost (contiguous) axes with a tree of partial sums, which is
 * accurate, but an axis that has kept axes after it element by element, whose float32 error
 * grows with its length; one call over non-adjacent axes also transposes its input first. So
 * the innermost reduced axes go in one call and every other reduced axis in its own call,
 * inner to outer, a long outer axis split in two factors reduced one after the other. A long
 * innermost run goes first; a short one (group norm's channels per group) last, as its calls
 * are slow on short rows (measured: 0.33 instead of 0.58 ms on `[8, 1024, 8, 8]`).
 */
import * as tf from '@tensorflow/tfjs';

import type {NativeOps, NativeReduction} from './native_ops.js';

/** Outer axes longer than this are split: beyond it, sequential float32 sums drift. */
const MAX_SEQUENTIAL_AXIS = 4096;

/**
 * Outer axes longer than this are split in tensors of {@link LARGE_TENSOR} elements or more,
 * where two short passes are measured faster than one long one (about 2× at 2²⁴ elements).
 */
const MAX_SEQUENTIAL_AXIS_LARGE = 1024;

/** Size from which {@link MAX_SEQUENTIAL_AXIS_LARGE} applies. */
const LARGE_TENSOR = 1 << 20;

/** Innermost runs at least this long are reduced first, shorter ones last. */
const INNER_FIRST_MIN_RUN = 128;

/** The divisor of `n` closest to its square root from below (1 for a prime). */
function splitFactor(n: number): number {
  for (let f = Math.floor(Math.sqrt(n)); f > 1; f--) {
    if (n % f === 0) {
      return f;
    }
  }
  return 1;
}

/**
 * Reduces `t` over the axes flagged in `reduced`, keeping them with size 1.
 *
 * @param reduction - `Mean`, `Sum` or `EuclideanNorm`; each composes with itself, so the
 *   stages give the reduction over all flagged axes.
 * @param reduced - One flag per axis of `t`.
 */
export function stagedReduce(
  ops: NativeOps,
  reduction: NativeReduction,
  t: tf.Tensor,
  reduced: boolean[],
): tf.Tensor {
  // With nothing to reduce this is a copy, never `t` itself: callers may return the result.
  if (!reduced.some((r) => r)) {
    return ops.reduce(reduction, t, []);
  }

  let innermost = reduced.length;
  while (innermost > 0 && reduced[innermost - 1]) {
    innermost--;
  }
  const innerAxes = Array.from({length: reduced.length - innermost}, (_, i) => innermost + i);
  const innerRun = innerAxes.reduce((p, axis) => p * t.shape[axis], 1);
  const innerFirst = innerRun >= INNER_FIRST_MIN_RUN;

  let result = t;
  if (innerAxes.length > 0 && innerFirst) {
    result = ops.reduce(reduction, result, innerAxes);
  }
  for (let axis = innermost - 1; axis >= 0; axis--) {
    if (reduced[axis] && t.shape[axis] > 1) {
      result = reduceOuterAxis(ops, reduction, result, axis);
    }
  }
  if (innerAxes.length > 0 && !innerFirst) {
    result = ops.reduce(reduction, result, innerAxes);
  }
  return result;
}

/** Reduces one axis that has kept axes after it, in two calls when it is long. */
function reduceOuterAxis(
  ops: NativeOps,
  reduction: NativeReduction,
  t: tf.Tensor,
  axis: number,
): tf.Tensor {
  const size = t.shape[axis];
  const limit = t.size >= LARGE_TENSOR ? MAX_SEQUENTIAL_AXIS_LARGE : MAX_SEQUENTIAL_AXIS;
  const factor = size > limit ? splitFactor(size) : 1;
  if (factor === 1) {
    return ops.reduce(reduction, t, [axis]);
  }

  const before = t.shape.slice(0, axis);
  const after = t.shape.slice(axis + 1);
  const split = ops.reshape(t, [...before, size / factor, factor, ...after]);
  const partial = ops.reduce(reduction, split, [axis + 1]);
  return ops.reshape(ops.reduce(reduction, partial, [axis]), [...before, 1, ...after]);
}
