/**
 * Training and persistence of models that contain each layer: loss falls under model.fit,
 * saved-then-loaded models predict identically (memory and disk), and 200 training steps
 * leak no tensor (and no GPU memory).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {describeBackends} from './support/backends';
import {folderHandler} from '../examples/support/folder_io';
import {LAYER_FACTORIES, smallModel, toyData} from './support/models';

const NAMES = Object.keys(LAYER_FACTORIES);

async function predictions(model: tf.LayersModel, xs: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(xs) as tf.Tensor;
  const values = (await y.data()) as Float32Array;
  y.dispose();
  return values;
}

describeBackends('training', (backend) => {
  test.each(NAMES)('%s: model.fit lowers the loss', async (name) => {
    const model = smallModel(LAYER_FACTORIES[name]());
    model.compile({optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy'});
    const {xs, ys} = toyData(64, 1);
    const history = await model.fit(xs, ys, {epochs: 15, batchSize: 16, verbose: 0});
    const losses = history.history.loss as number[];

    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  test.each(NAMES)('%s: predictions survive save/load in memory and on disk', async (name) => {
    const model = smallModel(LAYER_FACTORIES[name]());
    model.compile({optimizer: 'sgd', loss: 'categoricalCrossentropy'});
    const {xs, ys} = toyData(32, 2);
    await model.fit(xs, ys, {epochs: 2, batchSize: 8, verbose: 0});
    const expected = await predictions(model, xs);

    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), {} as tf.io.SaveResult)));
    const fromMemory = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tfn-${backend}-`));
    await model.save(folderHandler(dir));
    const fromDisk = await tf.loadLayersModel(folderHandler(dir));

    for (const loaded of [fromMemory, fromDisk]) {
      expect(loaded.layers[1].getClassName()).toBe(name);
      const cls = (tfn as Record<string, unknown>)[name] as new (...args: never[]) => unknown;
      expect(loaded.layers[1]).toBeInstanceOf(cls);
      expect(Array.from(await predictions(loaded, xs))).toEqual(Array.from(expected));
      loaded.dispose();
    }
    fs.rmSync(dir, {recursive: true});
    tf.dispose([xs, ys]);
    model.dispose();
  });

  test.each(NAMES)('%s: 200 training steps leak no tensors or GPU memory', async (name) => {
    const model = smallModel(LAYER_FACTORIES[name]());
    model.compile({optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy'});
    const {xs, ys} = toyData(16, 3);
    await model.trainOnBatch(xs, ys);
    const before = tf.memory() as tf.MemoryInfo & {numBytesInGPU?: number};

    for (let step = 0; step < 200; step++) {
      await model.trainOnBatch(xs, ys);
    }

    const after = tf.memory() as tf.MemoryInfo & {numBytesInGPU?: number};
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    if (before.numBytesInGPU !== undefined) {
      expect(after.numBytesInGPU).toBe(before.numBytesInGPU);
    }
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
