/**
 * The memory-order passes the cpu kernels are made of, each a loop over the runs of
 * {@link forEachRun}, with a fast path for row runs (one statistics group per run, its
 * statistics read once). Accumulators are float64, so sums over float32 inputs keep about 16
 * significant digits; the variance is always the mean of squared deviations from an already
 * computed mean (two passes), never E[x²] − E[x]².
 */
import type {NormView} from '../../src/core/view.js';
import {forEachRun} from './runs.js';

/** `sums[s] += Σ x` over each statistics group. */
export function sumPerStat(x: Float32Array, view: NormView, sums: Float64Array): void {
  forEachRun(view, (start, length, stat, statStep) => {
    if (statStep === 0) {
      let acc = 0;
      for (let i = start, end = start + length; i < end; i++) {
        acc += x[i];
      }
      sums[stat] += acc;
      return;
    }
    for (let j = 0; j < length; j++) {
      sums[stat + j] += x[start + j];
    }
  });
}

/** `sums[s] += Σ (x − center[s])²` over each statistics group. */
export function squaredDeviationPerStat(
  x: Float32Array,
  view: NormView,
  center: Float64Array,
  sums: Float64Array,
): void {
  forEachRun(view, (start, length, stat, statStep) => {
    if (statStep === 0) {
      const mu = center[stat];
      let acc = 0;
      for (let i = start, end = start + length; i < end; i++) {
        const deviation = x[i] - mu;
        acc += deviation * deviation;
      }
      sums[stat] += acc;
      return;
    }
    for (let j = 0; j < length; j++) {
      const deviation = x[start + j] - center[stat + j];
      sums[stat + j] += deviation * deviation;
    }
  });
}

/** `y = (x − mean[s]) · invStd[s] · gamma[p] + beta[p]`. */
export function applyAffine(
  x: Float32Array,
  view: NormView,
  mean: Float64Array,
  invStd: Float64Array,
  gamma: Float32Array,
  beta: Float32Array,
  y: Float32Array,
): void {
  forEachRun(view, (start, length, stat, statStep, param, paramStep) => {
    if (statStep === 0) {
      const mu = mean[stat];
      const inv = invStd[stat];
      for (let j = 0, p = param; j < length; j++, p += paramStep) {
        y[start + j] = (x[start + j] - mu) * inv * gamma[p] + beta[p];
      }
      return;
    }
    for (let j = 0; j < length; j++) {
      const s = stat + j;
      const p = param + j * paramStep;
      y[start + j] = (x[start + j] - mean[s]) * invStd[s] * gamma[p] + beta[p];
    }
  });
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
  view: NormView,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array,
  sums: BackwardSums,
): void {
  const {sumG, sumGXhat, dgamma, dbeta} = sums;
  forEachRun(view, (start, length, stat, statStep, param, paramStep) => {
    if (statStep === 0) {
      const mu = mean[stat];
      const inv = invStd[stat];
      let accG = 0;
      let accGXhat = 0;
      for (let j = 0, p = param; j < length; j++, p += paramStep) {
        const xhat = (x[start + j] - mu) * inv;
        const d = dy[start + j];
        const g = d * gamma[p];
        accG += g;
        accGXhat += g * xhat;
        dgamma[p] += d * xhat;
        dbeta[p] += d;
      }
      sumG[stat] += accG;
      sumGXhat[stat] += accGXhat;
      return;
    }
    for (let j = 0; j < length; j++) {
      const s = stat + j;
      const p = param + j * paramStep;
      const xhat = (x[start + j] - mean[s]) * invStd[s];
      const d = dy[start + j];
      const g = d * gamma[p];
      sumG[s] += g;
      sumGXhat[s] += g * xhat;
      dgamma[p] += d * xhat;
      dbeta[p] += d;
    }
  });
}

/**
 * `dx = invStd · (g − meanG[s] − x̂ · meanGXhat[s])`; pass zeros for the means that a mode
 * drops (RMS: `meanG`; constant statistics: both).
 */
export function inputGradient(
  dy: Float32Array,
  x: Float32Array,
  view: NormView,
  mean: Float32Array,
  invStd: Float32Array,
  gamma: Float32Array,
  meanG: Float64Array,
  meanGXhat: Float64Array,
  dx: Float32Array,
): void {
  forEachRun(view, (start, length, stat, statStep, param, paramStep) => {
    if (statStep === 0) {
      const mu = mean[stat];
      const inv = invStd[stat];
      const shift = meanG[stat];
      const slope = meanGXhat[stat];
      for (let j = 0, p = param; j < length; j++, p += paramStep) {
        const xhat = (x[start + j] - mu) * inv;
        dx[start + j] = inv * (dy[start + j] * gamma[p] - shift - xhat * slope);
      }
      return;
    }
    for (let j = 0; j < length; j++) {
      const s = stat + j;
      const xhat = (x[start + j] - mean[s]) * invStd[s];
      const g = dy[start + j] * gamma[param + j * paramStep];
      dx[start + j] = invStd[s] * (g - meanG[s] - xhat * meanGXhat[s]);
    }
  });
}
