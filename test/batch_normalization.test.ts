/**
 * BatchNormalization layer behaviour: training with batch statistics and Keras's moving
 * average update, inference with moving statistics, the trainable=false rule, every rank,
 * channels-first, and center/scale off (all against float64 references).
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {describeBackends} from './support/backends';
import {expectClose, withCancellation} from './support/compare';
import {Random} from './support/random';
import {batchGrouping, referenceForward} from './support/reference';

interface Setup {
  shape: number[];
  axis: number;
  center: boolean;
  scale: boolean;
  momentum: number;
}

const SETUPS: Setup[] = [
  {shape: [6, 4], axis: -1, center: true, scale: true, momentum: 0.99},
  {shape: [3, 5, 4], axis: 1, center: true, scale: true, momentum: 0.9},
  {shape: [2, 3, 4, 5], axis: 1, center: false, scale: true, momentum: 0.5},
  {shape: [2, 3, 4, 5], axis: -1, center: true, scale: false, momentum: 0.8},
  {shape: [2, 3, 2, 3, 4], axis: 2, center: false, scale: false, momentum: 0.7},
];

/** Builds a layer by applying it to a symbolic input (so it can be disposed later). */
function build(layer: tf.layers.Layer, shape: number[]): void {
  layer.apply(tf.input({batchShape: [null, ...shape.slice(1)]}));
}

function label(s: Setup): string {
  return `shape [${s.shape}] axis ${s.axis} center ${s.center} scale ${s.scale}`;
}

describeBackends('BatchNormalization layer', (_backend, tolerance) => {
  test.each(SETUPS.map((s) => [label(s), s] as const))(
    'training output and moving statistics over 3 steps: %s',
    async (_, s) => {
      const rng = new Random(11);
      const axis = s.axis < 0 ? s.axis + s.shape.length : s.axis;
      const channels = s.shape[axis];
      const layer = tfn.layers.batchNormalization({...s, axis: s.axis});
      build(layer, s.shape);
      const gamma = rng.normals(channels, 1, 0.3);
      const beta = rng.normals(channels, 0, 0.3);
      const movingMean = rng.normals(channels);
      const movingVariance = rng.normals(channels).map((v) => 0.5 + v * v);
      const weights = [
        ...(s.scale ? [gamma] : []),
        ...(s.center ? [beta] : []),
        movingMean,
        movingVariance,
      ];
      layer.setWeights(weights.map((w) => tf.tensor1d(w)));
      const expectedMean = Float64Array.from(movingMean);
      const expectedVariance = Float64Array.from(movingVariance);

      for (let step = 0; step < 3; step++) {
        const size = s.shape.reduce((a, b) => a * b, 1);
        const x = rng.normals(size, step, 2);
        const ref = referenceForward({
          x,
          shape: s.shape,
          grouping: batchGrouping(s.shape, axis),
          epsilon: 1e-3,
          centered: true,
          gamma: s.scale ? gamma : undefined,
          beta: s.center ? beta : undefined,
        });
        const xt = tf.tensor(x, s.shape);
        const y = layer.apply(xt, {training: true}) as tf.Tensor;

        expectClose(await y.data(), ref.y, withCancellation(tolerance, ref.yScale), 'y');
        for (let c = 0; c < channels; c++) {
          expectedMean[c] = expectedMean[c] * s.momentum + ref.mean[c] * (1 - s.momentum);
          expectedVariance[c] =
            expectedVariance[c] * s.momentum + ref.variance[c] * (1 - s.momentum);
        }
        tf.dispose([xt, y]);
      }

      const values = layer.getWeights();
      const n = values.length;
      expectClose(await values[n - 2].data(), expectedMean, tolerance, 'moving_mean');
      expectClose(await values[n - 1].data(), expectedVariance, tolerance, 'moving_variance');
      layer.dispose();
    },
  );

  test.each(SETUPS.map((s) => [label(s), s] as const))(
    'inference uses the moving statistics: %s',
    async (_, s) => {
      const rng = new Random(5);
      const axis = s.axis < 0 ? s.axis + s.shape.length : s.axis;
      const channels = s.shape[axis];
      const layer = tfn.layers.batchNormalization({...s, axis: s.axis});
      build(layer, s.shape);
      const weights = layer.getWeights().map((w, i) => {
        const isVariance = i === layer.getWeights().length - 1;
        return rng.normals(w.size).map((v) => (isVariance ? 0.5 + v * v : v));
      });
      layer.setWeights(weights.map((w) => tf.tensor1d(w)));
      const [movingMean, movingVariance] = weights.slice(-2);
      const x = rng.normals(
        s.shape.reduce((a, b) => a * b, 1),
        0,
        2,
      );
      const ref = referenceForward({
        x,
        shape: s.shape,
        grouping: batchGrouping(s.shape, axis),
        epsilon: 1e-3,
        centered: true,
        gamma: s.scale ? weights[0] : undefined,
        beta: s.center ? weights[s.scale ? 1 : 0] : undefined,
        given: {mean: movingMean, variance: movingVariance},
      });
      const xt = tf.tensor(x, s.shape);

      for (const kwargs of [{}, {training: false}]) {
        const y = layer.apply(xt, kwargs) as tf.Tensor;
        expectClose(await y.data(), ref.y, withCancellation(tolerance, ref.yScale), 'y');
        y.dispose();
      }
      expect(channels).toBeGreaterThan(0);
      tf.dispose([xt]);
      layer.dispose();
    },
  );

  test('trainable: false behaves as inference even with training: true (Keras 3 rule)', async () => {
    const layer = tfn.layers.batchNormalization({trainable: false});
    const x = tf.randomNormal([8, 3], 5, 2, 'float32', 3);
    const inference = layer.apply(x, {training: false}) as tf.Tensor;
    const training = layer.apply(x, {training: true}) as tf.Tensor;

    expectClose(await training.data(), await inference.data(), tolerance, 'y');
    expectClose(await layer.getWeights()[2].data(), [0, 0, 0], tolerance, 'moving_mean');
    tf.dispose([x, inference, training]);
    layer.dispose();
  });

  test('weights are gamma, beta, moving_mean, moving_variance; only the first two train', () => {
    const layer = tfn.layers.batchNormalization({axis: 1});
    build(layer, [1, 3, 4]);

    expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual([
      'gamma',
      'beta',
      'moving_mean',
      'moving_variance',
    ]);
    expect(layer.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual([
      'gamma',
      'beta',
    ]);
    expect(layer.weights.map((w) => w.shape)).toEqual([[3], [3], [3], [3]]);
    layer.dispose();
  });
});
