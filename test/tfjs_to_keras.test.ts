/**
 * tfjs → Keras 3: the committed artifact fixtures/data/tfjs_model/ (a tfjs model with all five
 * tfjs-norm layers, written by examples/make-tfjs-to-keras-artifact.ts) was loaded in Keras
 * 3.15.1 by fixtures/generate.py twice — through the Python converter (`model.json`) and, as it
 * is, through tfjs-norm's `interop.toKeras3ModelJson` output (`keras3_model.json`) — and its
 * predictions written to keras_predictions.json. Here tfjs loads the same model and must predict
 * what Keras predicted, on every backend; the JS conversion must still produce the committed
 * keras3_model.json; and the conversion rules are checked on small models.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

import {folderHandler} from '../examples/support/folder_io';
import * as tfn from '../src/index';
import type {JsonObject, JsonValue} from '../src/interop/index';
import {describeBackends} from './support/backends';
import {expectClose} from './support/compare';
import {TensorJson} from './support/fixture_tensors';

const {interop} = tfn;

const DIR = path.join(__dirname, '..', 'fixtures', 'data', 'tfjs_model');

interface KerasPredictions {
  output: TensorJson;
  dropped_config_keys: Record<string, string[]>;
  keras_model_config: JsonObject;
  js_converter: {output: TensorJson; max_abs_diff_vs_python_converter: number};
}

function readJson<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8')) as T;
}

const INPUTS = readJson<TensorJson>('inputs.json');
const KERAS = readJson<KerasPredictions>('keras_predictions.json');

/** A copy of a JSON value without Keras 3's `module` and `registered_name` keys. */
function withoutModules(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    return value.map(withoutModules);
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key !== 'module' && key !== 'registered_name') {
      copy[key] = withoutModules(child);
    }
  }
  return copy;
}

/** The topology tfjs saves for `model`, as in model.json. */
async function savedTopology(model: tf.LayersModel): Promise<JsonObject> {
  let topology: JsonObject | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      topology = artifacts.modelTopology as JsonObject;
      return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
    }),
  );
  return topology!;
}

function layerOf(config: JsonObject, index: number): JsonObject {
  return ((config.config as JsonObject).layers as JsonObject[])[index];
}

describeBackends('tfjs model in Keras 3', (_backend, tolerance) => {
  test('tfjs predictions match Keras on both conversion paths', async () => {
    const model = await tf.loadLayersModel(folderHandler(DIR));
    const x = tf.tensor(INPUTS.data, INPUTS.shape);
    const y = model.predict(x) as tf.Tensor;
    const values = await y.data();

    expect(y.shape).toEqual(KERAS.output.shape);
    expectClose(values, KERAS.output.data, tolerance, 'Keras (Python converter)');
    expectClose(values, KERAS.js_converter.output.data, tolerance, 'Keras (keras3_model.json)');
    tf.dispose([x, y]);
    model.dispose();
  });

  test('keras3_model.json converted back loads in tfjs and predicts the same', async () => {
    const kerasJson = readJson<JsonObject>('keras3_model.json');
    const back = interop.keras3TopologyToTfjs(kerasJson.modelTopology as JsonObject);
    const artifacts = await folderHandler(DIR).load!();
    const original = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const model = await tf.loadLayersModel(tf.io.fromMemory({...artifacts, modelTopology: back}));
    const x = tf.tensor(INPUTS.data, INPUTS.shape);
    const expected = original.predict(x) as tf.Tensor;
    const y = model.predict(x) as tf.Tensor;

    expect(model.getLayer('instance_norm')).toBeInstanceOf(tfn.GroupNormalization);
    expectClose(await y.data(), await expected.data(), tolerance, 'round trip');
    tf.dispose([x, y, expected]);
    original.dispose();
    model.dispose();
  });
});

describe('tfjs → Keras 3 conversion', () => {
  test('the model uses the five tfjs-norm layers and Keras dropped no config key', async () => {
    const model = await tf.loadLayersModel(folderHandler(DIR));
    const names = model.layers.map((l) => l.getClassName());

    for (const name of [
      'GroupNormalization',
      'InstanceNormalization',
      'BatchNormalization',
      'LayerNormalization',
      'RMSNormalization',
    ]) {
      expect(names).toContain(name);
    }
    expect(KERAS.dropped_config_keys).toEqual({});
    expect(KERAS.js_converter.max_abs_diff_vs_python_converter).toBe(0);
    model.dispose();
  });

  test('toKeras3ModelJson reproduces keras3_model.json and the config Keras loaded', () => {
    const converted = interop.toKeras3ModelJson(readJson<JsonObject>('model.json'));
    const modelConfig = (converted.modelTopology as JsonObject).model_config;

    expect(converted).toEqual(readJson<JsonObject>('keras3_model.json'));
    expect(withoutModules(modelConfig)).toEqual(withoutModules(KERAS.keras_model_config));
  });

  test('InstanceNormalization → GroupNormalization(groups=-1), Model → Functional', () => {
    const config = interop.toKeras3ModelConfig(
      readJson<JsonObject>('model.json').modelTopology as JsonObject,
    );
    const instance = ((config.config as JsonObject).layers as JsonObject[]).find(
      (l) => l.name === 'instance_norm',
    )!;

    expect(config.class_name).toBe('Functional');
    expect(config.module).toBe('keras.src.models.functional');
    expect((config.config as JsonObject).input_layers).toEqual(['image', 0, 0]);
    expect(instance.class_name).toBe('GroupNormalization');
    expect((instance.config as JsonObject).groups).toBe(-1);
  });

  test('a Sequential gets an InputLayer; initializers get their Keras module', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [5],
          units: 4,
          kernelInitializer: tf.initializers.heNormal({seed: 1}),
          name: 'dense',
        }),
        tf.layers.leakyReLU({alpha: 0.1, name: 'leaky'}),
        tfn.layers.layerNormalization({name: 'ln'}),
      ],
    });
    const config = interop.toKeras3ModelConfig(await savedTopology(model));
    const [input, dense, leaky] = [0, 1, 2].map((i) => layerOf(config, i));

    expect(config.class_name).toBe('Sequential');
    expect(input.class_name).toBe('InputLayer');
    expect((input.config as JsonObject).batch_shape).toEqual([null, 5]);
    expect((dense.config as JsonObject).batch_input_shape).toBeUndefined();
    expect((dense.config as JsonObject).kernel_initializer).toEqual({
      module: 'keras.initializers',
      class_name: 'VarianceScaling',
      config: {scale: 2, mode: 'fan_in', distribution: 'truncated_normal', seed: 1},
      registered_name: null,
    });
    expect((leaky.config as JsonObject).negative_slope).toBe(0.1);
    model.dispose();
  });

  test.each(['hardSigmoid', 'gelu_new'])(
    'rejects the %s activation, which Keras 3 computes differently',
    async (activation) => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({
            inputShape: [3],
            units: 2,
            activation: activation as 'relu',
            name: 'dense',
          }),
        ],
      });
      const topology = await savedTopology(model);

      expect(() => interop.toKeras3ModelConfig(topology)).toThrow(
        /tfjs layer 'dense' \(Dense\): key 'activation' expected an activation Keras 3/,
      );
      model.dispose();
    },
  );
});
