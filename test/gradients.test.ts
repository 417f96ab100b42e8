/**
 * Gradients (dx, dgamma, dbeta) of every normalization through tf.grads, which runs the
 * registered gradient (the fused backward kernel), against the float64 reference.
 */
import * as tf from '@tensorflow/tfjs';

import {describeBackends} from './support/backends';
import {caseGradients, NormKind, randomCases, referenceOf, tensorsOf} from './support/cases';
import {expectClose, withCancellation} from './support/compare';
import {PATHS, usePath} from './support/paths';
import {referenceBackward} from './support/reference';

const KINDS: NormKind[] = ['batch', 'layer', 'group', 'instance', 'rms'];
const CASES = randomCases(77, 60);

describeBackends('gradients', (_backend, tolerance) => {
  describe.each(PATHS)('%s path', (path) => {
    usePath(path);

    test.each(KINDS)('%s: dx, dgamma, dbeta match the reference on 60 cases', async (kind) => {
      for (const c of CASES.filter((k) => k.kind === kind)) {
        const expected = referenceBackward(referenceOf(c), c.dy);
        const t = tensorsOf(c);
        const dy = tf.tensor(c.dy, c.shape);
        const {names, grads} = caseGradients(c, t, dy);
        const vars = names.map((n) => t[n] as tf.Tensor);
        const want = {x: expected.dx, gamma: expected.dgamma, beta: expected.dbeta};

        // dx is a difference of terms of size dxScale: its absolute error scales with them.
        const dxTolerance = withCancellation(tolerance, expected.dxScale);
        for (let i = 0; i < names.length; i++) {
          const tol = names[i] === 'x' ? dxTolerance : tolerance;
          expect(grads[i].shape).toEqual(vars[i].shape);
          expectClose(await grads[i].data(), want[names[i]], tol, `${c.id} d${names[i]}`);
        }
        tf.dispose([...grads, dy, t.x, t.gamma, t.beta, t.mean, t.variance]);
      }
    });
  });
});
