/**
 * On a backend that has no kernel of this package (like `wasm`), the ops and layers still
 * work, forward and backward, through the composite fallback. The backend here is a cpu
 * backend registered under another name with every tfjs kernel but ours.
 */
import * as tf from '@tensorflow/tfjs';
import {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';

import * as tfn from '../src/index';
import {NORM_BACKWARD, NORM_FORWARD} from '../src/core/kernel_contract';
import {TOLERANCES} from './support/backends';
import {expectClose} from './support/compare';

const PLAIN = 'plaincpu';

describe('composite fallback on a backend without fused kernels', () => {
  beforeAll(async () => {
    tf.registerBackend(PLAIN, () => new MathBackendCPU());
    tf.copyRegisteredKernels('cpu', PLAIN);
    tf.unregisterKernel(NORM_FORWARD, PLAIN);
    tf.unregisterKernel(NORM_BACKWARD, PLAIN);
  });

  afterAll(async () => {
    await tf.setBackend('cpu');
    tf.removeBackend(PLAIN);
  });

  test('ops and gradients agree with the fused cpu kernels', async () => {
    const x = tf.randomNormal([3, 4, 6], 0, 2, 'float32', 1);
    const gamma = tf.randomNormal([6], 1, 0.2, 'float32', 2);
    const beta = tf.randomNormal([6], 0, 0.2, 'float32', 3);
    const loss = (v: tf.Tensor) =>
      tf.sum(tf.square(tfn.ops.groupNorm(v, {groups: 3, gamma, beta})));
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const y = await tfn.ops.layerNorm(x, {gamma, beta}).data();
      const dx = await tf.grad(loss)(x).data();
      return {y, dx, fused: tfn.fusedKernelsActive()};
    };

    const fused = await run('cpu');
    const plain = await run(PLAIN);

    expect(fused.fused).toBe(true);
    expect(plain.fused).toBe(false);
    expectClose(plain.y, fused.y, TOLERANCES.cpu, 'y');
    expectClose(plain.dx, fused.dx, TOLERANCES.cpu, 'dx');
  });

  test('a model with every layer trains', async () => {
    await tf.setBackend(PLAIN);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({inputShape: [4, 6], units: 6}),
        tfn.layers.batchNormalization(),
        tfn.layers.layerNormalization(),
        tfn.layers.groupNormalization({groups: 2}),
        tfn.layers.instanceNormalization(),
        tfn.layers.rmsNormalization(),
        tf.layers.flatten(),
        tf.layers.dense({units: 1}),
      ],
    });
    model.compile({optimizer: 'adam', loss: 'meanSquaredError'});
    const xs = tf.randomNormal([16, 4, 6], 0, 1, 'float32', 4);
    const ys = tf.sum(xs, [1, 2]).reshape([16, 1]);
    const history = await model.fit(xs, ys, {epochs: 10, verbose: 0});
    const losses = history.history.loss as number[];

    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});
