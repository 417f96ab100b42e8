/**
 * The benchmark's cases: each pairs this package's layer with the reference a tfjs user has
 * today on the same input (tfjs's own layer, or for group normalization a composite built from
 * `tf.moments` the way Keras computes it).
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';

/** A function of the input that returns the normalized output, and the weights it trains. */
export interface Contender {
  name: string;
  forward: (x: tf.Tensor) => tf.Tensor;
  weights: tf.Variable[];
  dispose: () => void;
}

/** One benchmark case: an input shape and the two contenders. */
export interface BenchCase {
  name: string;
  shape: number[];
  ours: () => Contender;
  reference: () => Contender;
}

function fromLayer(name: string, layer: tf.layers.Layer, shape: number[], training: boolean) {
  layer.apply(tf.input({batchShape: shape}));
  return {
    name,
    forward: (x: tf.Tensor) => layer.apply(x, {training}) as tf.Tensor,
    weights: layer.trainableWeights.map((w) => w.read() as tf.Variable),
    dispose: () => layer.dispose(),
  };
}

/** Group normalization as Keras writes it: reshape to groups, tf.moments, affine. */
function compositeGroupNorm(shape: number[], groups: number): Contender {
  const channels = shape[shape.length - 1];
  const gamma = tf.variable(tf.ones([channels]));
  const beta = tf.variable(tf.zeros([channels]));
  const grouped = [...shape.slice(0, -1), groups, channels / groups];
  const axes = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== grouped.length - 2);
  return {
    name: 'tf.moments composite',
    forward: (x) =>
      tf.tidy(() => {
        const xg = tf.reshape(x, grouped);
        const {mean, variance} = tf.moments(xg, axes, true);
        const normalized = tf.reshape(
          tf.div(tf.sub(xg, mean), tf.sqrt(tf.add(variance, 1e-3))),
          shape,
        );
        return tf.add(tf.mul(normalized, gamma), beta);
      }),
    weights: [gamma, beta],
    dispose: () => tf.dispose([gamma, beta]),
  };
}

/** The cases the README's figures come from. */
export const BENCH_CASES: BenchCase[] = [
  {
    name: 'LayerNormalization [256,1024]',
    shape: [256, 1024],
    ours: () => fromLayer('tfjs-norm', tfn.layers.layerNormalization(), [256, 1024], true),
    reference: () => fromLayer('tf.layers', tf.layers.layerNormalization(), [256, 1024], true),
  },
  {
    name: 'BatchNormalization [64,32,32,64] training',
    shape: [64, 32, 32, 64],
    ours: () => fromLayer('tfjs-norm', tfn.layers.batchNormalization(), [64, 32, 32, 64], true),
    reference: () => fromLayer('tf.layers', tf.layers.batchNormalization(), [64, 32, 32, 64], true),
  },
  {
    name: 'GroupNormalization [8,32,32,64] groups 8',
    shape: [8, 32, 32, 64],
    ours: () =>
      fromLayer('tfjs-norm', tfn.layers.groupNormalization({groups: 8}), [8, 32, 32, 64], true),
    reference: () => compositeGroupNorm([8, 32, 32, 64], 8),
  },
];
