/** Small models shared by the training and loading specs. */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../../src/index';

/** The five layers, each as it would appear in a model on `[batch, 4, 6]` input. */
export const LAYER_FACTORIES: Record<string, () => tf.layers.Layer> = {
  BatchNormalization: () => tfn.layers.batchNormalization({momentum: 0.9}),
  LayerNormalization: () => tfn.layers.layerNormalization({axis: [1, 2]}),
  GroupNormalization: () => tfn.layers.groupNormalization({groups: 3}),
  InstanceNormalization: () => tfn.layers.instanceNormalization({axis: 1}),
  RMSNormalization: () => tfn.layers.rmsNormalization(),
};

/** dense → normalization → flatten → dense softmax, on `[batch, 4, 6]` inputs. */
export function smallModel(norm: tf.layers.Layer): tf.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({inputShape: [4, 6], units: 6, kernelInitializer: 'glorotUniform'}),
      norm,
      tf.layers.flatten(),
      tf.layers.dense({units: 3, activation: 'softmax'}),
    ],
  });
}

/** A learnable toy task: the class is which third of the features has the largest sum. */
export function toyData(n: number, seed: number): {xs: tf.Tensor; ys: tf.Tensor} {
  return tf.tidy(() => {
    const xs = tf.randomNormal([n, 4, 6], 0, 1, 'float32', seed);
    const thirds = tf.stack(
      [0, 1, 2].map((k) => tf.sum(xs.slice([0, 0, 2 * k], [n, 4, 2]), [1, 2])),
      1,
    );
    return {xs, ys: tf.oneHot(tf.argMax(thirds, 1), 3)};
  });
}
