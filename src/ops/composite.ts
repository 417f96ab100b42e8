import * as tf from '@tensorflow/tfjs';

import type {NormAttrs} from '../core/kernel_contract.js';
import {paramBroadcastShape, statBroadcastShape, viewShape} from '../core/view.js';

/** Inputs of one normalization, with parameters and statistics already flat. */
export interface NormInputs {
  x: tf.Tensor;
  gamma?: tf.Tensor1D;
  beta?: tf.Tensor1D;
  mean?: tf.Tensor1D;
  variance?: tf.Tensor1D;
}

/** What one normalization returns: the output and its flat statistics. */
export type NormOutputs = {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
};

const REDUCED_VIEW_AXES = [1, 3, 4];

/**
 * The same math as the fused kernels, written with generic tfjs ops on the five-dimensional
 * view (two-pass statistics, broadcasting instead of tiling). Used on backends that have no
 * kernel of this package, such as `wasm`; differentiable by tfjs autodiff.
 */
export function compositeNormalize(inputs: NormInputs, attrs: NormAttrs): NormOutputs {
  return tf.tidy(() => {
    const shape = viewShape(attrs);
    const x = tf.reshape(inputs.x, shape);
    const statShape = statBroadcastShape(attrs);

    let mean: tf.Tensor;
    let invStd: tf.Tensor;
    if (attrs.statsGiven && inputs.mean !== undefined && inputs.variance !== undefined) {
      mean = tf.reshape(inputs.mean, statShape);
      invStd = tf.rsqrt(tf.add(tf.reshape(inputs.variance, statShape), attrs.epsilon));
    } else {
      mean = attrs.centered ? tf.mean(x, REDUCED_VIEW_AXES, true) : tf.zeros(statShape);
      const deviation = attrs.centered ? tf.sub(x, mean) : x;
      const variance = tf.mean(tf.square(deviation), REDUCED_VIEW_AXES, true);
      invStd = tf.rsqrt(tf.add(variance, attrs.epsilon));
    }

    const paramShape = paramBroadcastShape(attrs);
    let y = tf.mul(tf.sub(x, mean), invStd);
    if (inputs.gamma !== undefined) {
      y = tf.mul(y, tf.reshape(inputs.gamma, paramShape));
    }
    if (inputs.beta !== undefined) {
      y = tf.add(y, tf.reshape(inputs.beta, paramShape));
    }

    return {
      y: tf.reshape(y, inputs.x.shape),
      mean: tf.reshape(mean, [-1]) as tf.Tensor1D,
      invStd: tf.reshape(invStd, [-1]) as tf.Tensor1D,
    };
  });
}
