/**
 * Forward outputs and saved statistics of every normalization, on hundreds of seeded random
 * cases, against the float64 reference.
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {normalize} from '../src/ops/normalize';
import {describeBackends} from './support/backends';
import {NormKind, planOf, randomCases, referenceOf, runOp, tensorsOf} from './support/cases';
import {expectClose, withCancellation} from './support/compare';
import {PATHS, usePath} from './support/paths';
import {referenceForward} from './support/reference';

const KINDS: NormKind[] = ['batch', 'layer', 'group', 'instance', 'rms'];
const CASES = randomCases(2024, 60);

describeBackends('forward', (_backend, tolerance) => {
  describe.each(PATHS)('%s path', (path) => {
    usePath(path);

    test.each(KINDS)('%s: output matches the reference on 60 random cases', async (kind) => {
      for (const c of CASES.filter((k) => k.kind === kind)) {
        const expected = referenceForward(referenceOf(c));
        const t = tensorsOf(c);
        const y = runOp(c, t);

        expect(y.shape).toEqual(c.shape);
        expect(y.dtype).toBe('float32');
        // y is a difference of terms of size yScale: its absolute error scales with them.
        const yTolerance = withCancellation(tolerance, expected.yScale);
        expectClose(await y.data(), expected.y, yTolerance, `${c.id} y`);
        tf.dispose([y, t.x, t.gamma, t.beta, t.mean, t.variance]);
      }
    });

    test.each(KINDS)('%s: saved mean and invStd match the reference', async (kind) => {
      for (const c of CASES.filter((k) => k.kind === kind)) {
        const expected = referenceForward(referenceOf(c));
        const t = tensorsOf(c);
        const flat = (v?: tf.Tensor) =>
          v === undefined ? undefined : (v.reshape([-1]) as tf.Tensor1D);
        const out = normalize(
          {
            x: t.x,
            gamma: flat(t.gamma),
            beta: flat(t.beta),
            mean: flat(t.mean),
            variance: flat(t.variance),
          },
          planOf(c),
          {epsilon: c.epsilon, centered: c.kind !== 'rms'},
        );

        expectClose(await out.mean.data(), expected.mean, tolerance, `${c.id} mean`);
        expectClose(await out.invStd.data(), expected.invStd, tolerance, `${c.id} invStd`);
        tf.dispose([out.y, out.mean, out.invStd, t.x, t.gamma, t.beta, t.mean, t.variance]);
      }
    });
  });

  test('NaN in the input gives NaN in its statistics group only, without throwing', async () => {
    const x = tf.tensor2d([
      [1, NaN, 3],
      [4, 5, 6],
    ]);
    const rows = tfn.ops.layerNorm(x);
    const channels = tfn.ops.batchNorm(x, {axis: 0});

    for (const y of [rows, channels]) {
      const values = Array.from(await y.data());
      expect(values.slice(0, 3).every(Number.isNaN)).toBe(true);
      expect(values.slice(3, 6).some(Number.isNaN)).toBe(false);
    }
    tf.dispose([x, rows, channels]);
  });
});
