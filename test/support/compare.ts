import type {Tolerance} from './backends';

/**
 * Asserts `|actual − expected| ≤ atol + rtol · |expected|` element-wise, shapes first. NaN must
 * meet NaN. On failure the message gives the label, the worst index and both values.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: Tolerance,
  label: string,
): void {
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length}, expected ${expected.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        throw new Error(`${label}: at ${i} got ${a}, expected ${e}`);
      }
      continue;
    }
    const excess = Math.abs(a - e) - (tolerance.atol + tolerance.rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${label}: at ${worst} got ${actual[worst]}, expected ${expected[worst]} ` +
        `(atol ${tolerance.atol}, rtol ${tolerance.rtol}, ${actual.length} values)`,
    );
  }
}

/** `‖actual − expected‖₂ / ‖expected‖₂`. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return Math.sqrt(num / den);
}

/** float32 machine epsilon, 2⁻²³. */
const FLOAT32_EPSILON = 2 ** -23;

/**
 * `tolerance` widened for a result computed as a difference of terms as large as `scale`:
 * float32 rounding of those terms costs a few float32 epsilons of `scale`, whatever the size of
 * the result.
 */
export function withCancellation(tolerance: Tolerance, scale: number): Tolerance {
  return {...tolerance, atol: tolerance.atol + 8 * FLOAT32_EPSILON * scale};
}
