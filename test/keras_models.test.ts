/**
 * Keras 3 models in tfjs: the committed Keras 3.15.1 exports (fixtures/data/keras_models: a CNN
 * with GroupNormalization and BatchNormalization, a transformer block with LayerNormalization
 * and RMSNormalization, model.json in the Keras 3 config dialect) load with
 * `interop.loadKeras3Model` and reproduce Keras's predictions on every backend. The config
 * conversion itself is checked as a pure function: what it rewrites, and that anything tfjs
 * would compute differently is rejected with the layer and key named.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

import {folderHandler} from '../examples/support/folder_io';
import * as tfn from '../src/index';
import type {JsonObject, JsonValue} from '../src/interop/index';
import {describeBackends} from './support/backends';
import {expectClose} from './support/compare';

const {interop} = tfn;

const MODELS_DIR = path.join(__dirname, '..', 'fixtures', 'data', 'keras_models');
const MODEL_NAMES = ['cnn', 'transformer_block'];

interface Expected {
  input: {shape: number[]; data: number[]};
  output: {shape: number[]; data: number[]};
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** The Keras 3 `model_config` of a committed model (a fresh copy each call). */
function kerasConfig(name: string): JsonObject {
  const json = readJson<{modelTopology: {model_config: JsonObject}}>(
    path.join(MODELS_DIR, name, 'model.json'),
  );
  return json.modelTopology.model_config;
}

function layerEntry(model: JsonObject, name: string): JsonObject {
  const layers = (model.config as JsonObject).layers as JsonObject[];
  return layers.find((l) => l.name === name)!;
}

function layerConfig(model: JsonObject, name: string): JsonObject {
  return layerEntry(model, name).config as JsonObject;
}

/** Every key used anywhere in a JSON value. */
function allKeys(value: JsonValue): Set<string> {
  const keys = new Set<string>();
  const visit = (v: JsonValue): void => {
    if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        keys.add(k);
        visit(child);
      }
    }
  };
  visit(value);
  return keys;
}

const POLICY: JsonObject = {
  module: 'keras',
  class_name: 'DTypePolicy',
  config: {name: 'float32'},
  registered_name: null,
};

function kerasObject(module: string, className: string, config: JsonObject): JsonObject {
  return {module, class_name: className, config, registered_name: null};
}

/** A Keras 3 Sequential as `model.to_json()` writes it (Input, Dense, LN, LeakyReLU). */
function kerasSequential(): JsonObject {
  const layer = (className: string, config: JsonObject): JsonObject => ({
    ...kerasObject('keras.layers', className, {trainable: true, dtype: POLICY, ...config}),
    build_config: {input_shape: [null, 4]},
  });
  const glorot = {seed: null, input_axes: null, output_axes: null};
  const input = {batch_shape: [null, 4], dtype: 'float32', sparse: false, ragged: false};
  return {
    ...kerasObject('keras', 'Sequential', {
      name: 'seq',
      trainable: true,
      dtype: POLICY,
      layers: [
        kerasObject('keras.layers', 'InputLayer', {...input, name: 'input_layer', optional: false}),
        layer('Dense', {
          name: 'dense',
          units: 3,
          activation: 'silu',
          use_bias: true,
          kernel_initializer: kerasObject('keras.initializers', 'GlorotUniform', glorot),
          bias_initializer: kerasObject('keras.initializers', 'Zeros', {}),
          kernel_regularizer: kerasObject('keras.regularizers', 'L2', {l2: 0.01}),
          quantization_config: null,
        }),
        layer('LayerNormalization', {name: 'ln', axis: [-1], epsilon: 0.001, rms_scaling: false}),
        layer('LeakyReLU', {name: 'leaky', negative_slope: 0.2}),
      ],
      build_input_shape: [null, 4],
    }),
    build_config: {input_shape: [null, 4]},
    compile_config: {},
  };
}

describeBackends('Keras 3 models', (_backend, tolerance) => {
  test.each(MODEL_NAMES)('%s: loads with loadKeras3Model and predicts as Keras', async (name) => {
    const dir = path.join(MODELS_DIR, name);
    const expected = readJson<Expected>(path.join(dir, 'expected.json'));
    const model = await interop.loadKeras3Model(folderHandler(dir));
    const x = tf.tensor(expected.input.data, expected.input.shape);
    const y = model.predict(x) as tf.Tensor;

    expect(y.shape).toEqual(expected.output.shape);
    expectClose(await y.data(), expected.output.data, tolerance, `${name} prediction`);
    tf.dispose([x, y]);
    model.dispose();
  });

  test('the normalization layers are the fused tfjs-norm classes', async () => {
    const cnn = await interop.loadKeras3Model(folderHandler(path.join(MODELS_DIR, 'cnn')));
    const block = await interop.loadKeras3Model(
      folderHandler(path.join(MODELS_DIR, 'transformer_block')),
    );

    expect(cnn.getLayer('group_normalization')).toBeInstanceOf(tfn.GroupNormalization);
    expect(cnn.getLayer('batch_normalization')).toBeInstanceOf(tfn.BatchNormalization);
    expect(block.getLayer('layer_normalization')).toBeInstanceOf(tfn.LayerNormalization);
    expect(block.getLayer('rms_normalization')).toBeInstanceOf(tfn.RMSNormalization);
    cnn.dispose();
    block.dispose();
  });

  test('a Keras 3 Sequential config builds with tf.models.modelFromJSON', async () => {
    const topology = interop.keras3ModelConfigToTfjs(kerasSequential());
    const model = await tf.models.modelFromJSON({modelTopology: topology});

    expect(model.inputs[0].shape).toEqual([null, 4]);
    expect(model.layers.map((l) => l.getClassName())).toEqual([
      'Dense',
      'LayerNormalization',
      'LeakyReLU',
    ]);
    expect(model.layers[1]).toBeInstanceOf(tfn.LayerNormalization);
    expect(model.layers[0].getConfig().activation).toBe('swish');
    expect(model.layers[0].getConfig().kernelRegularizer).toEqual({
      className: 'L1L2',
      config: {l1: 0, l2: 0.01},
    });
    expect(model.layers[2].getConfig().alpha).toBe(0.2);
    model.dispose();
  });
});

describe('Keras 3 → tfjs config conversion', () => {
  test('drops Keras 3 bookkeeping keys and rewrites the graph into the tfjs form', () => {
    const converted = interop.keras3ModelConfigToTfjs(kerasConfig('transformer_block'));
    const config = converted.config as JsonObject;
    const keys = allKeys(converted);

    for (const key of ['module', 'registered_name', 'build_config', 'batch_shape']) {
      expect([key, keys.has(key)]).toEqual([key, false]);
    }
    expect(converted.class_name).toBe('Model');
    expect(config.input_layers).toEqual([['input_layer', 0, 0]]);
    expect(config.output_layers).toEqual([['dense_3', 0, 0]]);
    expect(layerEntry(converted, 'add').inbound_nodes).toEqual([
      [
        ['dense_2', 0, 0, {}],
        ['input_layer', 0, 0, {}],
      ],
    ]);
    expect(layerConfig(converted, 'input_layer')).toEqual({
      batch_input_shape: [null, 6, 16],
      dtype: 'float32',
      name: 'input_layer',
    });
    expect(layerConfig(converted, 'dense').dtype).toBe('float32');
    expect(layerConfig(converted, 'dense').kernel_initializer).toEqual({
      class_name: 'GlorotUniform',
      config: {seed: null},
    });
  });

  test('keeps a model that is already in the tfjs dialect loadable', async () => {
    const original = tf.sequential({
      layers: [tf.layers.dense({inputShape: [3], units: 2}), tfn.layers.rmsNormalization()],
    });
    const topology = original.toJSON(undefined, false) as JsonObject;
    const model = await tf.models.modelFromJSON({
      modelTopology: interop.keras3TopologyToTfjs(topology),
    });

    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'RMSNormalization']);
    original.dispose();
    model.dispose();
  });

  const rejected: Array<[string, string, (m: JsonObject) => void, RegExp]> = [
    [
      'cnn',
      'grouped convolution',
      (m) => (layerConfig(m, 'conv2d').groups = 2),
      /Keras 3 layer 'conv2d' \(Conv2D\): key 'groups' expected 1 .*received 2/,
    ],
    [
      'cnn',
      'ReLU with a negative slope',
      (m) => (layerConfig(m, 're_lu').negative_slope = 0.1),
      /layer 're_lu' \(ReLU\): key 'negative_slope' expected 0 .*received 0.1/,
    ],
    [
      'cnn',
      'pooling that keeps dims',
      (m) => (layerConfig(m, 'global_average_pooling2d').keepdims = true),
      /'global_average_pooling2d' \(GlobalAveragePooling2D\): key 'keepdims' expected false/,
    ],
    [
      'cnn',
      'a mixed-precision policy',
      (m) =>
        ((layerConfig(m, 'batch_normalization').dtype as JsonObject).config = {
          name: 'mixed_float16',
        }),
      /'batch_normalization' \(BatchNormalization\): key 'dtype' expected .*mixed_float16/,
    ],
    [
      'transformer_block',
      "Keras 3's hard_sigmoid",
      (m) => (layerConfig(m, 'dense_1').activation = 'hard_sigmoid'),
      /'dense_1' \(Dense\): key 'activation' expected .*received "hard_sigmoid"/,
    ],
    [
      'transformer_block',
      'initializer fan axes',
      (m) =>
        ((
          (layerConfig(m, 'dense').kernel_initializer as JsonObject).config as JsonObject
        ).input_axes = [0]),
      /'dense' \(Dense\): key 'kernel_initializer.config.input_axes' expected null/,
    ],
    [
      'transformer_block',
      'a tensor passed as a keyword argument',
      (m) => {
        const node = (layerEntry(m, 'global_average_pooling1d').inbound_nodes as JsonObject[])[0];
        (node.kwargs as JsonObject).mask = (node.args as JsonValue[])[0];
      },
      /'global_average_pooling1d' .*key 'inbound_nodes\[0\]\.kwargs\.mask' expected a plain/,
    ],
    [
      'transformer_block',
      'dict-structured inputs',
      (m) => ((m.config as JsonObject).input_layers = {x: ['input_layer', 0, 0]}),
      /model 'transformer_block' \(Functional\): key 'config\.input_layers' expected/,
    ],
    [
      'cnn',
      'a nested model',
      (m) => (layerEntry(m, 'dense').class_name = 'Functional'),
      /layer 'dense' \(Functional\): key 'class_name' expected a layer \(nested models/,
    ],
  ];

  test.each(rejected)('%s: rejects %s, naming the layer and key', (name, _, change, message) => {
    const model = kerasConfig(name);
    change(model);

    expect(() => interop.keras3ModelConfigToTfjs(model)).toThrow(interop.KerasConversionError);
    expect(() => interop.keras3ModelConfigToTfjs(model)).toThrow(message);
  });
});
