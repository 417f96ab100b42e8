/**
 * The layer contract, Keras style: config keys and defaults, weights, round trips through
 * getConfig/fromConfig and JSON, class registration, loading of models saved with tfjs's own
 * BatchNormalization/LayerNormalization, and Keras's rms_scaling.
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {describeBackends} from './support/backends';
import {expectClose} from './support/compare';
import {Random} from './support/random';

const AFFINE_KEYS = [
  'epsilon',
  'center',
  'scale',
  'betaInitializer',
  'gammaInitializer',
  'betaRegularizer',
  'gammaRegularizer',
  'betaConstraint',
  'gammaConstraint',
];

const BASE_KEYS = ['name', 'trainable', 'dtype', 'batchInputShape'];

/** Config keys of each class (camelCase of Keras 3's `get_config()` keys). */
const EXPECTED_KEYS: Record<string, string[]> = {
  BatchNormalization: [
    'axis',
    'momentum',
    ...AFFINE_KEYS,
    'movingMeanInitializer',
    'movingVarianceInitializer',
    'synchronized',
    'renorm',
    'renormClipping',
    'renormMomentum',
  ],
  LayerNormalization: ['axis', ...AFFINE_KEYS, 'rmsScaling'],
  GroupNormalization: ['groups', 'axis', ...AFFINE_KEYS],
  InstanceNormalization: ['axis', ...AFFINE_KEYS],
  RMSNormalization: ['axis', 'epsilon'],
};

const FACTORIES: Record<string, () => tf.layers.Layer> = {
  BatchNormalization: () => tfn.layers.batchNormalization(),
  LayerNormalization: () => tfn.layers.layerNormalization(),
  GroupNormalization: () => tfn.layers.groupNormalization({groups: 2}),
  InstanceNormalization: () => tfn.layers.instanceNormalization(),
  RMSNormalization: () => tfn.layers.rmsNormalization(),
};

function ownKeys(config: tf.serialization.ConfigDict): string[] {
  return Object.keys(config)
    .filter((k) => !BASE_KEYS.includes(k))
    .sort();
}

describe('layer contract', () => {
  test.each(Object.keys(FACTORIES))('%s: config keys and defaults match Keras 3', (name) => {
    const layer = FACTORIES[name]();
    const config = layer.getConfig();

    expect(layer.getClassName()).toBe(name);
    expect(ownKeys(config)).toEqual([...EXPECTED_KEYS[name]].sort());
    if ('epsilon' in config) {
      expect(config.epsilon).toBe(name === 'RMSNormalization' ? 1e-6 : 1e-3);
    }
    if (name === 'BatchNormalization') {
      expect(config.momentum).toBe(0.99);
      expect(config.axis).toBe(-1);
    }
  });

  test.each(Object.keys(FACTORIES))('%s: getConfig → fromConfig → getConfig is stable', (name) => {
    const layer = FACTORIES[name]();
    layer.apply(tf.input({shape: [4, 6]}));
    const config = layer.getConfig();
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    const [cls, fromConfig] = map[name];
    const copy = fromConfig(cls, JSON.parse(JSON.stringify(config))) as tf.layers.Layer;

    expect(copy.getConfig()).toEqual(config);
  });

  test('after build, groups=-1 is saved as the channel count and LN axes as a sorted list', () => {
    // Keras 3 saves LayerNormalization/RMSNormalization axes as a sorted list of the values given.
    const gn = tfn.layers.groupNormalization({groups: -1});
    const ln = tfn.layers.layerNormalization({axis: [-1, 1]});
    gn.apply(tf.input({shape: [4, 6]}));
    ln.apply(tf.input({shape: [4, 6]}));

    expect(gn.getConfig().groups).toBe(6);
    expect(ln.getConfig().axis).toEqual([-1, 1]);
  });

  test('weight names, order and shapes follow Keras', () => {
    const cases: Array<[tf.layers.Layer, string[], number[][]]> = [
      [
        tfn.layers.layerNormalization({axis: [1, 2]}),
        ['gamma', 'beta'],
        [
          [4, 6],
          [4, 6],
        ],
      ],
      [tfn.layers.groupNormalization({groups: 3, center: false}), ['gamma'], [[6]]],
      [tfn.layers.instanceNormalization({axis: 1, scale: false}), ['beta'], [[4]]],
      [tfn.layers.rmsNormalization({axis: [1, 2]}), ['scale'], [[4, 6]]],
    ];
    for (const [layer, names, shapes] of cases) {
      layer.apply(tf.input({shape: [4, 6]}));
      expect(layer.weights.map((w) => w.originalName.split('/').pop())).toEqual(names);
      expect(layer.weights.map((w) => w.shape)).toEqual(shapes);
    }
  });

  test('every class is registered under its Keras name, plus the TensorFlow Addons names', () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    for (const name of Object.keys(FACTORIES)) {
      expect(map[name][0]).toBe((tfn as Record<string, unknown>)[name]);
    }
    expect(map['Addons>GroupNormalization'][0]).toBe(tfn.AddonsGroupNormalization);
    expect(map['Addons>InstanceNormalization'][0]).toBe(tfn.AddonsInstanceNormalization);
  });
});

describeBackends('loading', (_backend, tolerance) => {
  test('models saved with tfjs built-in BatchNormalization/LayerNormalization load fused', async () => {
    const builtin = tf.sequential({
      layers: [
        tf.layers.dense({inputShape: [5], units: 8}),
        tf.layers.batchNormalization(),
        tf.layers.layerNormalization(),
        tf.layers.dense({units: 2}),
      ],
    });
    const rng = new Random(3);
    builtin.setWeights(
      builtin.getWeights().map((w, i) => {
        const values = rng.normals(w.size);
        return tf.tensor(i === 5 ? values.map((v) => 0.5 + v * v) : values, w.shape);
      }),
    );
    const x = tf.tensor2d(rng.normals(15), [3, 5]);
    const expected = await (builtin.predict(x) as tf.Tensor).data();
    let artifacts: tf.io.ModelArtifacts | undefined;
    await builtin.save(
      tf.io.withSaveHandler(async (a) => ((artifacts = a), {} as tf.io.SaveResult)),
    );

    const fused = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    expect(fused.layers[1]).toBeInstanceOf(tfn.BatchNormalization);
    expect(fused.layers[2]).toBeInstanceOf(tfn.LayerNormalization);
    expectClose(await (fused.predict(x) as tf.Tensor).data(), expected, tolerance, 'y');

    tfn.useBuiltinLayersForLoading();
    const again = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    tfn.registerSerializableClasses();
    expect(again.layers[1]).not.toBeInstanceOf(tfn.BatchNormalization);
    expectClose(await (again.predict(x) as tf.Tensor).data(), expected, tolerance, 'y');
  });

  test('LayerNormalization accepts Keras rms_scaling: x / sqrt(var + eps) · gamma', async () => {
    const layer = tf.serialization.SerializationMap.getMap().classNameMap['LayerNormalization'];
    const ln = layer[1](layer[0], {rmsScaling: true, epsilon: 1e-3}) as tf.layers.Layer;
    // As in Keras, rms_scaling creates gamma only.
    const rng = new Random(8);
    const data = rng.normals(12, 2, 1);
    const x = tf.tensor2d(data, [2, 6]);
    ln.apply(x);
    const gamma = rng.normals(6);
    expect(ln.weights.length).toBe(1);
    ln.setWeights([tf.tensor1d(gamma)]);
    const y = await (ln.apply(x) as tf.Tensor).data();

    const expected: number[] = [];
    for (let r = 0; r < 2; r++) {
      const row = Array.from(data.slice(r * 6, r * 6 + 6));
      const mean = row.reduce((a, b) => a + b, 0) / 6;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / 6;
      row.forEach((v, i) => expected.push((v / Math.sqrt(variance + 1e-3)) * gamma[i]));
    }
    expectClose(y, expected, tolerance, 'y');
  });

  test('InstanceNormalization equals GroupNormalization with groups -1', async () => {
    const x = tf.randomNormal([2, 3, 3, 4], 0, 1, 'float32', 4);
    const a = await (tfn.layers.instanceNormalization().apply(x) as tf.Tensor).data();
    const b = await (tfn.layers.groupNormalization({groups: -1}).apply(x) as tf.Tensor).data();
    expectClose(a, b, tolerance, 'y');
  });
});
