/**
 * Statistics stay accurate for inputs with a large mean (mean 1e4, std 1), where the naive
 * E[x²] − E[x]² loses every digit in float32: relative error ≤ 1e-4 for the variance, the
 * output and the input gradient.
 */
import * as tf from '@tensorflow/tfjs';

import {normalize} from '../src/ops/normalize';
import {describeBackends} from './support/backends';
import {NormCase, planOf, referenceOf, runOp, tensorsOf} from './support/cases';
import {relativeError} from './support/compare';
import {Random} from './support/random';
import {referenceBackward, referenceForward} from './support/reference';

function largeMeanCase(kind: NormCase['kind'], shape: number[], axis: number, groups: number) {
  const rng = new Random(42);
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    id: `${kind} [${shape}]`,
    kind,
    shape,
    axis,
    groups,
    epsilon: 1e-3,
    x: rng.normals(size, 1e4, 1),
    dy: rng.normals(size),
  } as NormCase;
}

const CASES = [
  largeMeanCase('layer', [8, 1024], -1, 1),
  largeMeanCase('group', [2, 8, 8, 16], -1, 4),
  largeMeanCase('batch', [16, 8, 8, 8], -1, 1),
  largeMeanCase('batch', [16, 8, 8, 8], 1, 1),
  largeMeanCase('instance', [2, 4, 16, 16], 1, -1),
];

describeBackends('large mean (1e4, std 1)', () => {
  test.each(CASES.map((c) => [c.id, c] as const))('%s', async (_, c) => {
    const ref = referenceOf(c);
    const expected = referenceForward(ref);
    const t = tensorsOf(c);
    const out = normalize({x: t.x}, planOf(c), {epsilon: c.epsilon, centered: true});
    const invStd = await out.invStd.data();
    const variance = Array.from(invStd, (v) => 1 / (v * v) - c.epsilon);
    const dy = tf.tensor(c.dy, c.shape);
    const dx = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(runOp(c, {x}), dy)))(t.x);

    expect(relativeError(await out.mean.data(), expected.mean)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(variance, expected.variance)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(await out.y.data(), expected.y)).toBeLessThanOrEqual(1e-4);
    expect(relativeError(await dx.data(), referenceBackward(ref, c.dy).dx)).toBeLessThanOrEqual(
      1e-4,
    );
    tf.dispose([out.y, out.mean, out.invStd, dy, dx, t.x]);
  });
});
