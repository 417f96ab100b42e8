/**
 * The float64 reference itself: its analytic gradients agree with finite differences of its
 * forward pass, so the kernel specs compare against something independently verified.
 */
import {randomCases, referenceOf} from './support/cases';
import {Random} from './support/random';
import {finiteDifference, referenceBackward} from './support/reference';

describe('float64 reference', () => {
  const cases = randomCases(99, 12);

  test.each(cases.map((c) => [c.id, c] as const))('gradients = finite differences: %s', (_, c) => {
    const ref = referenceOf(c);
    const grads = referenceBackward(ref, c.dy);
    const rng = new Random(7);
    const inputs = [
      ['x', grads.dx],
      ['gamma', grads.dgamma],
      ['beta', grads.dbeta],
    ] as const;

    for (const [input, analytic] of inputs) {
      if (ref[input] === undefined) {
        continue;
      }
      for (let k = 0; k < 3; k++) {
        const i = rng.int(0, analytic.length - 1);
        const numeric = finiteDifference(ref, c.dy, input, i);
        expect(Math.abs(analytic[i] - numeric)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(numeric)));
      }
    }
  });
});
