/**
 * The memory-order passes the cpu kernels are made of. Accumulators are float64, so sums over
 * float32 inputs keep about 16 significant digits; the variance is always taken as the mean
 * of squared deviations from an already computed mean (two passes), never as E[x²] − E[x]².
 */
import type {BlockWalk} from './block_walk.js';

/** `sums[s] += Σ x` over each statistics group. */
export function sumPerStat(x: Float32Array, walk: BlockWalk, sums: Float64Array): void {
  const {outer, span, groups, blockSize, statInBlock} = walk;
  let i = 0;
  for (let a = 0; a < outer; a++) {
    const statBase = a * groups;
    for (let b = 0; b < span; b++) {
      for (let j = 0; j < blockSize; j++, i++) {
        sums[statBase + statInBlock[j]] += x[i];
      }
    }
  }
}

/** `sums[s] += Σ (x − center[s])²` over each statistics group. */
export function squaredDeviationPerStat(
  x: Float32Array,
  walk: BlockWalk,
  center: Float64Array,
  sums: Float64Array,
): void {
  const {outer, span, groups, blockSize, statInBlock} = walk;
  let i = 0;
  for (let a = 0; a < outer; a++) {
    const statBase = a * groups;
    for (let b = 0; b < span; b++) {
      for (let j = 0; j < blockSize; j++, i++) {
        const s = statBase + statInBlock[j];
        const deviation = x[i] - center[s];
        sums[s] += deviation * deviation;
      }
    }
  }
}

/** `y = (x − mean[s]) · invStd[s] · gamma[p] + beta[p]`. */
export function applyAffine(
  x: Float32Array,
  walk: BlockWalk,
  mean: Float64Array,
  invStd: Float64Array,
  gamma: Float32Array,
  beta: Float32Array,
  y: Float32Array,
): void {
  const {outer, span, groups, blockSize, statInBlock, paramInBlock, spanParamStride} = walk;
  let i = 0;
  for (let a = 0; a < outer; a++) {
    const statBase = a * groups;
    for (let b = 0; b < span; b++) {
      const paramBase = b * spanParamStride;
      for (let j = 0; j < blockSize; j++, i++) {
        const s = statBase + statInBlock[j];
        const p = paramBase + paramInBlock[j];
        y[i] = (x[i] - mean[s]) * invStd[s] * gamma[p] + beta[p];
      }
    }
  }
}

/** Per-group and per-parameter sums the backward pass needs. */
export interface BackwardSums {
  /** Σ g per statistics group, with `g = dy · gamma`. */
  sumG: Float64Array;
  /** Σ g · x̂ per statistics group. */
  sumGXhat: Float64Array;
  /** Σ dy · x̂ per parameter. */
  dgamma: Float64Array;
  /** Σ dy per parameter. */
  dbeta: Float64Array;
}

/** One memory-order pass over `dy` and `x` that fills every {@link BackwardSums}. */
export function backwardSums(
  dy: Float32Array,
  x: Float32Array,
  walk: BlockWalk,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array,
  sums: BackwardSums,
): void {
  const {outer, span, groups, blockSize, statInBlock, paramInBlock, spanParamStride} = walk;
  const {sumG, sumGXhat, dgamma, dbeta} = sums;
  let i = 0;
  for (let a = 0; a < outer; a++) {
    const statBase = a * groups;
    for (let b = 0; b < span; b++) {
      const paramBase = b * spanParamStride;
      for (let j = 0; j < blockSize; j++, i++) {
        const s = statBase + statInBlock[j];
        const p = paramBase + paramInBlock[j];
        const xhat = (x[i] - mean[s]) * invStd[s];
        const g = dy[i] * gamma[p];
        sumG[s] += g;
        sumGXhat[s] += g * xhat;
        dgamma[p] += dy[i] * xhat;
        dbeta[p] += dy[i];
      }
    }
  }
}

/**
 * `dx = invStd · (g − meanG[s] − x̂ · meanGXhat[s])`; pass zeros for the means that a mode
 * drops (RMS: `meanG`; constant statistics: both).
 */
export function inputGradient(
  dy: Float32Array,
  x: Float32Array,
  walk: BlockWalk,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array,
  meanG: Float64Array,
  meanGXhat: Float64Array,
  dx: Float32Array,
): void {
  const {outer, span, groups, blockSize, statInBlock, paramInBlock, spanParamStride} = walk;
  let i = 0;
  for (let a = 0; a < outer; a++) {
    const statBase = a * groups;
    for (let b = 0; b < span; b++) {
      const paramBase = b * spanParamStride;
      for (let j = 0; j < blockSize; j++, i++) {
        const s = statBase + statInBlock[j];
        const xhat = (x[i] - mean[s]) * invStd[s];
        const g = dy[i] * gamma[paramBase + paramInBlock[j]];
        dx[i] = invStd[s] * (g - meanG[s] - xhat * meanGXhat[s]);
      }
    }
  }
}
