/**
 * Float64 reference normalizations written for the tests: plain loops over coordinates of the
 * original shape, independent of the package's five-dimensional view. Each normalization is a
 * *grouping*: which statistics group and which parameter every element belongs to.
 */

/** Which statistics group and parameter an element (given by its coordinates) uses. */
export interface Grouping {
  statCount: number;
  paramCount: number;
  stat(coords: number[]): number;
  param(coords: number[]): number;
}

function rowMajor(coords: number[], shape: number[], axes: number[]): number {
  return axes.reduce((acc, a) => acc * shape[a] + coords[a], 0);
}

function sizeOf(shape: number[], axes: number[]): number {
  return axes.reduce((acc, a) => acc * shape[a], 1);
}

/** Layer/RMS normalization over `axes` (non-negative): stats per kept position. */
export function layerGrouping(shape: number[], axes: number[]): Grouping {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const normalized = [...axes].sort((a, b) => a - b);
  return {
    statCount: sizeOf(shape, kept),
    paramCount: sizeOf(shape, normalized),
    stat: (c) => rowMajor(c, shape, kept),
    param: (c) => rowMajor(c, shape, normalized),
  };
}

/** Batch normalization with channel axis `axis`: stats and parameters per channel. */
export function batchGrouping(shape: number[], axis: number): Grouping {
  return {
    statCount: shape[axis],
    paramCount: shape[axis],
    stat: (c) => c[axis],
    param: (c) => c[axis],
  };
}

/** Group normalization: stats per (sample, group), parameters per channel. */
export function groupGrouping(shape: number[], axis: number, groups: number): Grouping {
  const perGroup = shape[axis] / groups;
  return {
    statCount: shape[0] * groups,
    paramCount: shape[axis],
    stat: (c) => c[0] * groups + Math.floor(c[axis] / perGroup),
    param: (c) => c[axis],
  };
}

function coordsOf(index: number, shape: number[]): number[] {
  const coords = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    coords[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return coords;
}

/** Statistics and parameter index of every element, computed once per case. */
function indexTables(shape: number[], grouping: Grouping, size: number) {
  const stat = new Int32Array(size);
  const param = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const c = coordsOf(i, shape);
    stat[i] = grouping.stat(c);
    param[i] = grouping.param(c);
  }
  return {stat, param};
}

/** Everything a reference call needs. */
export interface ReferenceCase {
  x: ArrayLike<number>;
  shape: number[];
  grouping: Grouping;
  epsilon: number;
  /** `false` for RMS normalization. */
  centered: boolean;
  gamma?: ArrayLike<number>;
  beta?: ArrayLike<number>;
  /** Given statistics (batch normalization at inference). */
  given?: {mean: ArrayLike<number>; variance: ArrayLike<number>};
}

/** Reference forward results, float64. */
export interface ReferenceForward {
  y: Float64Array;
  /**
   * Largest `|x · invStd · γ|`: the size of the terms that cancel in `(x − mean)·invStd·γ`, so
   * float32 statistics move `y` by about `2⁻²⁴ · yScale`.
   */
  yScale: number;
  mean: Float64Array;
  variance: Float64Array;
  invStd: Float64Array;
}

/** Forward normalization: two-pass statistics in float64, then `(x − mean)·invStd·γ + β`. */
export function referenceForward(c: ReferenceCase): ReferenceForward {
  const size = c.x.length;
  const {stat, param} = indexTables(c.shape, c.grouping, size);
  const groups = c.grouping.statCount;
  const count = new Float64Array(groups);
  const mean = new Float64Array(groups);
  const variance = new Float64Array(groups);

  if (c.given !== undefined) {
    for (let s = 0; s < groups; s++) {
      mean[s] = c.given.mean[s];
      variance[s] = c.given.variance[s];
    }
  } else {
    for (let i = 0; i < size; i++) {
      count[stat[i]] += 1;
      mean[stat[i]] += c.centered ? c.x[i] : 0;
    }
    for (let s = 0; s < groups; s++) {
      mean[s] /= count[s];
    }
    for (let i = 0; i < size; i++) {
      variance[stat[i]] += (c.x[i] - mean[stat[i]]) ** 2;
    }
    for (let s = 0; s < groups; s++) {
      variance[s] /= count[s];
    }
  }

  const invStd = variance.map((v) => 1 / Math.sqrt(v + c.epsilon));
  const y = new Float64Array(size);
  let yScale = 0;
  for (let i = 0; i < size; i++) {
    const g = c.gamma === undefined ? 1 : c.gamma[param[i]];
    const b = c.beta === undefined ? 0 : c.beta[param[i]];
    y[i] = (c.x[i] - mean[stat[i]]) * invStd[stat[i]] * g + b;
    yScale = Math.max(yScale, Math.abs(c.x[i] * invStd[stat[i]] * g));
  }
  return {y, yScale, mean, variance, invStd};
}

/** Reference gradients of `Σ y · dy`, float64. */
export interface ReferenceBackward {
  dx: Float64Array;
  dgamma: Float64Array;
  dbeta: Float64Array;
  /**
   * Largest `|invStd · g| · (1 + |x · invStd|)`: the size of the terms that cancel in `dx`,
   * including the amplification of the float32-rounded saved mean through `x̂`, so float32
   * rounding moves `dx` by a few `2⁻²³ · dxScale`.
   */
  dxScale: number;
}

/**
 * Analytic gradients of `Σ y · dy` (checked against finite differences of
 * {@link referenceForward} in the tests): per group, with `g = dy·γ` and `n` elements,
 * `dx = invStd·(g − mean(g) − x̂·mean(g·x̂))`; constant given statistics give `dx = invStd·g`.
 */
export function referenceBackward(c: ReferenceCase, dy: ArrayLike<number>): ReferenceBackward {
  const size = c.x.length;
  const {stat, param} = indexTables(c.shape, c.grouping, size);
  const fwd = referenceForward(c);
  const groups = c.grouping.statCount;
  const count = new Float64Array(groups);
  const sumG = new Float64Array(groups);
  const sumGXhat = new Float64Array(groups);
  const dgamma = new Float64Array(c.grouping.paramCount);
  const dbeta = new Float64Array(c.grouping.paramCount);
  const xhat = new Float64Array(size);
  const g = new Float64Array(size);

  for (let i = 0; i < size; i++) {
    const s = stat[i];
    xhat[i] = (c.x[i] - fwd.mean[s]) * fwd.invStd[s];
    g[i] = dy[i] * (c.gamma === undefined ? 1 : c.gamma[param[i]]);
    count[s] += 1;
    sumG[s] += g[i];
    sumGXhat[s] += g[i] * xhat[i];
    dgamma[param[i]] += dy[i] * xhat[i];
    dbeta[param[i]] += dy[i];
  }

  const dx = new Float64Array(size);
  let dxScale = 0;
  for (let i = 0; i < size; i++) {
    const s = stat[i];
    const amplification = 1 + Math.abs(c.x[i] * fwd.invStd[s]);
    dxScale = Math.max(dxScale, Math.abs(fwd.invStd[s] * g[i]) * amplification);
    if (c.given !== undefined) {
      dx[i] = fwd.invStd[s] * g[i];
    } else {
      const meanG = c.centered ? sumG[s] / count[s] : 0;
      dx[i] = fwd.invStd[s] * (g[i] - meanG - (xhat[i] * sumGXhat[s]) / count[s]);
    }
  }
  return {dx, dgamma, dbeta, dxScale};
}

/**
 * Central finite difference of `Σ y · dy` with respect to element `i` of `x`, `gamma` or
 * `beta`, in float64.
 */
export function finiteDifference(
  c: ReferenceCase,
  dy: ArrayLike<number>,
  input: 'x' | 'gamma' | 'beta',
  i: number,
): number {
  const h = 1e-6;
  const loss = (delta: number): number => {
    const perturbed = Float64Array.from(c[input] as ArrayLike<number>);
    perturbed[i] += delta;
    const y = referenceForward({...c, [input]: perturbed}).y;
    return y.reduce((acc, v, j) => acc + v * dy[j], 0);
  };
  return (loss(h) - loss(-h)) / (2 * h);
}
