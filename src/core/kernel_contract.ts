/**
 * The contract every backend's kernels implement. Backends differ only in how they compute;
 * names, inputs, attributes and outputs below are the same everywhere.
 *
 * Forward kernel {@link NORM_FORWARD}
 * - inputs `{x, gamma, beta, mean, variance}`; an absent optional input is an empty float32
 *   tensor of shape `[0]` (the gradient machinery of tfjs needs every saved input to exist).
 *   `gamma`/`beta` are flat `[paramSize]`; `mean`/`variance` are flat `[statCount]` and are
 *   only present when `statsGiven` (batch normalization at inference).
 * - outputs `[y, mean, invStd]`: `y` has the shape of `x`; `mean` and `invStd` are flat
 *   `[statCount]` (for RMS normalization `mean` is all zeros).
 * - math per statistics group, `n = reducedSize`, biased variance:
 *   `mean = Σx / n`, `var = Σ(x − mean)² / n`, `invStd = 1 / sqrt(var + epsilon)`,
 *   `y = (x − mean) · invStd · gamma + beta`. RMS (`centered: false`): `mean = 0`,
 *   `invStd = 1 / sqrt(Σx² / n + epsilon)`. With `statsGiven`, `mean` is the given mean and
 *   `invStd = 1 / sqrt(variance + epsilon)`.
 *
 * Backward kernel {@link NORM_BACKWARD}
 * - inputs `{dy, x, gamma, mean, invStd}` (the saved forward outputs; `gamma` may be empty).
 * - outputs `[dx, dgamma, dbeta]`: `dx` has the shape of `x`; `dgamma`/`dbeta` are flat
 *   `[paramSize]`, summed over every element that shares a parameter.
 * - math per statistics group, with `x̂ = (x − mean) · invStd` and `g = dy · gamma`:
 *   `dx = invStd · (g − mean(g) − x̂ · mean(g · x̂))`; RMS drops the `mean(g)` term;
 *   `statsGiven` (constant statistics) gives `dx = invStd · g`.
 *   `dgamma = Σ dy · x̂`, `dbeta = Σ dy`.
 */
import type {NormView} from './view.js';

/** Name of the fused forward kernel. */
export const NORM_FORWARD = 'TfnNormForward';

/** Name of the fused backward kernel. */
export const NORM_BACKWARD = 'TfnNormBackward';

/** Attributes of both kernels: the view plus the normalization's scalars and switches. */
export interface NormAttrs extends NormView {
  /** Added to the variance (or mean square) before the square root. */
  epsilon: number;
  /** `true` subtracts the mean (batch/layer/group/instance); `false` is RMS normalization. */
  centered: boolean;
  /** `true` normalizes with the given `mean`/`variance` inputs instead of computing them. */
  statsGiven: boolean;
}
