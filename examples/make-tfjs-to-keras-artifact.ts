/**
 * Writes the tfjs side of the tfjs → Keras 3 check, fixtures/data/tfjs_model/:
 *
 * - `model.json` + `weights.bin`: a small functional model with all five tfjs-norm layers
 *   (GroupNormalization, InstanceNormalization, BatchNormalization, LayerNormalization,
 *   RMSNormalization) around Conv2D, Add, Reshape and Dense(gelu) layers, trained briefly with
 *   fixed seeds on the cpu backend and saved by tfjs in the Layers format;
 * - `inputs.json`: a fixed input batch, `{shape, data}`;
 * - `keras3_model.json`: `model.json` rewritten by `interop.toKeras3ModelJson`, the topology
 *   Keras 3's `model_from_json` reads (same weights file).
 *
 *   npx ts-node examples/make-tfjs-to-keras-artifact.ts [--out fixtures/data/tfjs_model]
 *
 * Then `python fixtures/generate.py --only tfjs2keras` loads both in Keras 3 and writes
 * `keras_predictions.json` (fixtures/README.md), which test/tfjs_to_keras.test.ts compares with
 * tfjs's own predictions. The output is the same on every run.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {folderHandler} from './support/folder_io';

const INPUT_SHAPE = [8, 8, 3];
const TRAIN_SAMPLES = 64;
const EPOCHS = 3;

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Seeded Glorot initializer, so the weights are the same on every run. */
function glorot(seed: number) {
  return tf.initializers.glorotUniform({seed});
}

/**
 * image → conv → GroupNorm → relu → conv → InstanceNorm → + relu → BatchNorm → reshape to 64
 * tokens of 8 → LayerNorm → Dense(16, gelu) → RMSNorm → average over tokens → Dense(4).
 */
function buildModel(): tf.LayersModel {
  const input = tf.input({shape: INPUT_SHAPE, name: 'image'});
  const conv = (name: string, seed: number) =>
    tf.layers.conv2d({
      filters: 8,
      kernelSize: 3,
      padding: 'same',
      name,
      kernelInitializer: glorot(seed),
    });

  const c1 = conv('conv1', 1).apply(input) as tf.SymbolicTensor;
  const gn = tfn.layers.groupNormalization({groups: 4, name: 'group_norm'}).apply(c1);
  const relu = tf.layers.activation({activation: 'relu', name: 'relu'}).apply(gn);
  const c2 = conv('conv2', 2).apply(relu) as tf.SymbolicTensor;
  const inorm = tfn.layers.instanceNormalization({name: 'instance_norm'}).apply(c2);
  const sum = tf.layers.add({name: 'residual'}).apply([inorm, relu] as tf.SymbolicTensor[]);
  const bn = tfn.layers.batchNormalization({momentum: 0.9, name: 'batch_norm'}).apply(sum);

  const tokens = tf.layers.reshape({targetShape: [64, 8], name: 'tokens'}).apply(bn);
  const ln = tfn.layers.layerNormalization({name: 'layer_norm'}).apply(tokens);
  const mlp = tf.layers
    .dense({units: 16, activation: 'gelu', name: 'mlp', kernelInitializer: glorot(3)})
    .apply(ln);
  const rms = tfn.layers.rmsNormalization({name: 'rms_norm'}).apply(mlp);
  const pooled = tf.layers.globalAveragePooling1d({name: 'pool'}).apply(rms);
  const output = tf.layers
    .dense({units: 4, name: 'head', kernelInitializer: glorot(4)})
    .apply(pooled) as tf.SymbolicTensor;

  return tf.model({inputs: input, outputs: output, name: 'tfjs_norm_all_layers'});
}

/** A few seeded training steps, so gamma, beta, scale and the moving statistics move. */
async function train(model: tf.LayersModel): Promise<number[]> {
  const xs = tf.randomNormal([TRAIN_SAMPLES, ...INPUT_SHAPE], 0.5, 2, 'float32', 11);
  const ys = tf.randomNormal([TRAIN_SAMPLES, 4], 0, 1, 'float32', 12);
  model.compile({optimizer: tf.train.adam(0.01), loss: 'meanSquaredError'});

  const history = await model.fit(xs, ys, {
    epochs: EPOCHS,
    batchSize: 16,
    shuffle: false,
    verbose: 0,
  });

  tf.dispose([xs, ys]);
  return history.history.loss as number[];
}

/** The fixed batch Keras and tfjs both predict on. */
function inputsJson(): {shape: number[]; data: number[]} {
  const shape = [3, ...INPUT_SHAPE];
  const x = tf.randomNormal(shape, 0.5, 2, 'float32', 13);
  const data = Array.from(x.dataSync());
  x.dispose();
  return {shape, data};
}

async function main(): Promise<void> {
  const out = path.resolve(option('out', path.join('fixtures', 'data', 'tfjs_model')));
  await tf.setBackend('cpu');

  const model = buildModel();
  const losses = await train(model);
  await model.save(folderHandler(out));

  fs.writeFileSync(path.join(out, 'inputs.json'), JSON.stringify(inputsJson()) + '\n');
  const tfjsJson = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8'));
  const kerasJson = tfn.interop.toKeras3ModelJson(tfjsJson);
  fs.writeFileSync(path.join(out, 'keras3_model.json'), JSON.stringify(kerasJson) + '\n');

  console.log(`loss per epoch: ${losses.map((l) => l.toFixed(4)).join(', ')}`);
  console.log(`wrote model.json, weights.bin, inputs.json, keras3_model.json to ${out}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
