/**
 * Seeded random normalization cases for the property specs: every layer kind, ranks 2–5, odd
 * sizes, both layouts, every group count, center/scale on and off, given statistics.
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../../src/index';
import {resolveAxes, resolveAxis} from '../../src/core/axes';
import {batchView, groupView, layerView, PlannedView} from '../../src/core/view_builders';
import {Random} from './random';
import {batchGrouping, groupGrouping, Grouping, layerGrouping, ReferenceCase} from './reference';

export type NormKind = 'batch' | 'layer' | 'group' | 'instance' | 'rms';

/** One random case: arguments and float32 data. */
export interface NormCase {
  id: string;
  kind: NormKind;
  shape: number[];
  axis: number | number[];
  groups: number;
  epsilon: number;
  x: Float32Array;
  gamma?: Float32Array;
  beta?: Float32Array;
  /** Given statistics (batch normalization at inference). */
  given?: {mean: Float32Array; variance: Float32Array};
  /** Upstream gradient for `Σ y · dy`. */
  dy: Float32Array;
}

function divisors(n: number): number[] {
  return Array.from({length: n}, (_, i) => i + 1).filter((d) => n % d === 0);
}

function randomAxes(rng: Random, rank: number): number | number[] {
  const all = Array.from({length: rank}, (_, i) => i);
  const chosen = all.filter(() => rng.next() < 0.5);
  const axes = chosen.length === 0 ? [rank - 1] : chosen;
  const signed = axes.map((a) => (rng.next() < 0.3 ? a - rank : a));
  return signed.length === 1 && rng.next() < 0.5 ? signed[0] : signed;
}

/** A random case of `kind`; `index` makes its id unique. */
export function randomCase(rng: Random, kind: NormKind, index: number): NormCase {
  const rank = rng.int(2, 5);
  const maxDim = rank >= 4 ? 5 : 7;
  const shape = Array.from({length: rank}, () => rng.int(1, maxDim));
  shape[0] = rng.int(1, 4);
  let axis: number | number[] = -1;
  let groups = 1;

  if (kind === 'layer' || kind === 'rms') {
    axis = randomAxes(rng, rank);
  } else if (kind === 'batch') {
    axis = rng.pick([-1, 1, rng.int(1, rank - 1)]);
  } else {
    axis = rng.pick([-1, 1]);
    const channelAxis = axis < 0 ? rank - 1 : axis;
    shape[channelAxis] = rng.pick([1, 2, 3, 4, 6, 8, 9]);
    groups = kind === 'instance' ? -1 : rng.pick([...divisors(shape[channelAxis]), -1]);
  }

  const size = shape.reduce((a, b) => a * b, 1);
  const paramShape = paramShapeOf(kind, shape, axis);
  const paramSize = paramShape.reduce((a, b) => a * b, 1);
  const scale = rng.next() < 0.75;
  const center = kind !== 'rms' && rng.next() < 0.75;
  const offset = rng.next() < 0.2 ? 50 : 0;
  const inference = kind === 'batch' && rng.next() < 0.3;

  return {
    id: `${kind}#${index} shape [${shape}] axis ${JSON.stringify(axis)} groups ${groups}`,
    kind,
    shape,
    axis,
    groups,
    epsilon: rng.pick([1e-3, 1e-5, 0.1]),
    x: rng.normals(size, offset, rng.pick([0.5, 1, 3])),
    gamma: scale ? rng.normals(paramSize, 1, 0.5) : undefined,
    beta: center ? rng.normals(paramSize, 0, 0.5) : undefined,
    given: inference
      ? {
          mean: rng.normals(paramSize, offset, 1),
          variance: rng.normals(paramSize, 0, 1).map((v) => 0.2 + v * v),
        }
      : undefined,
    dy: rng.normals(size),
  };
}

/** `count` cases of every kind, from one seed. */
export function randomCases(seed: number, countPerKind: number): NormCase[] {
  const rng = new Random(seed);
  const kinds: NormKind[] = ['batch', 'layer', 'group', 'instance', 'rms'];
  return kinds.flatMap((kind) =>
    Array.from({length: countPerKind}, (_, i) => randomCase(rng, kind, i)),
  );
}

/** Shape of gamma/beta (RMS: scale) for a case. */
export function paramShapeOf(kind: NormKind, shape: number[], axis: number | number[]): number[] {
  if (kind === 'layer' || kind === 'rms') {
    return resolveAxes(axis, shape.length, 'test').map((a) => shape[a]);
  }
  return [shape[resolveAxis(axis as number, shape.length, 'test')]];
}

/** A case's axes resolved: normalized axes (layer, RMS) or channel axis and group count. */
function resolvedOf(c: NormCase): {axes: number[]; axis: number; groups: number} {
  const rank = c.shape.length;
  if (c.kind === 'layer' || c.kind === 'rms') {
    return {axes: resolveAxes(c.axis, rank, 'test'), axis: -1, groups: 1};
  }
  const axis = resolveAxis(c.axis as number, rank, 'test');
  const groups = c.kind === 'instance' || c.groups === -1 ? c.shape[axis] : c.groups;
  return {axes: [], axis, groups};
}

/** The float64 reference grouping of a case. */
export function groupingOf(c: NormCase): Grouping {
  const {axes, axis, groups} = resolvedOf(c);
  if (c.kind === 'layer' || c.kind === 'rms') {
    return layerGrouping(c.shape, axes);
  }
  return c.kind === 'batch' ? batchGrouping(c.shape, axis) : groupGrouping(c.shape, axis, groups);
}

/** The reference-call description of a case. */
export function referenceOf(c: NormCase): ReferenceCase {
  return {
    x: c.x,
    shape: c.shape,
    grouping: groupingOf(c),
    epsilon: c.epsilon,
    centered: c.kind !== 'rms',
    gamma: c.gamma,
    beta: c.beta,
    given: c.given,
  };
}

/** The package's view plan for a case (for reading the saved statistics). */
export function planOf(c: NormCase): PlannedView {
  const {axes, axis, groups} = resolvedOf(c);
  if (c.kind === 'layer' || c.kind === 'rms') {
    return layerView(c.shape, axes);
  }
  const view = c.kind === 'batch' ? batchView(c.shape, axis) : groupView(c.shape, axis, groups);
  return {view, permutation: null};
}

/** Tensors of a case's data. */
export interface CaseTensors {
  x: tf.Tensor;
  gamma?: tf.Tensor;
  beta?: tf.Tensor;
  mean?: tf.Tensor;
  variance?: tf.Tensor;
}

/** Creates the case's tensors (the caller disposes them). */
export function tensorsOf(c: NormCase): CaseTensors {
  const paramShape = paramShapeOf(c.kind, c.shape, c.axis);
  return {
    x: tf.tensor(c.x, c.shape),
    gamma: c.gamma && tf.tensor(c.gamma, paramShape),
    beta: c.beta && tf.tensor(c.beta, paramShape),
    mean: c.given && tf.tensor(c.given.mean, paramShape),
    variance: c.given && tf.tensor(c.given.variance, paramShape),
  };
}

/** Runs the public op of a case's kind on the given tensors. */
export function runOp(c: NormCase, t: CaseTensors): tf.Tensor {
  switch (c.kind) {
    case 'layer':
      return tfn.ops.layerNorm(t.x, {axis: c.axis, epsilon: c.epsilon, ...t});
    case 'rms':
      return tfn.ops.rmsNorm(t.x, {axis: c.axis, epsilon: c.epsilon, scale: t.gamma});
    case 'group':
      return tfn.ops.groupNorm(t.x, {
        axis: c.axis as number,
        groups: c.groups,
        epsilon: c.epsilon,
        gamma: t.gamma,
        beta: t.beta,
      });
    case 'instance':
      return tfn.ops.instanceNorm(t.x, {
        axis: c.axis as number,
        epsilon: c.epsilon,
        gamma: t.gamma,
        beta: t.beta,
      });
    case 'batch':
      return tfn.ops.batchNorm(t.x, {axis: c.axis as number, epsilon: c.epsilon, ...t});
  }
}

/** The differentiable inputs of a case: `x`, and `gamma` and `beta` when present. */
export type GradientName = 'x' | 'gamma' | 'beta';

/**
 * Gradients of `Σ runOp(c, t) · dy` (through `tf.grads`, so through the registered gradient)
 * with respect to `x` and the present `gamma`/`beta`, in the order of `names`.
 */
export function caseGradients(
  c: NormCase,
  t: CaseTensors,
  dy: tf.Tensor,
): {names: GradientName[]; grads: tf.Tensor[]} {
  const names = (['x', 'gamma', 'beta'] as const).filter((n) => t[n] !== undefined);
  const loss = (...args: tf.Tensor[]) => {
    const inputs = {...t};
    names.forEach((n, i) => (inputs[n] = args[i]));
    return tf.sum(tf.mul(runOp(c, inputs), dy));
  };
  return {names, grads: tf.grads(loss)(names.map((n) => t[n] as tf.Tensor))};
}
