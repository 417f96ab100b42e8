import * as tf from '@tensorflow/tfjs';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {sortedAxisList} from '../core/axes.js';
import {layerNormIn} from '../ops/layer_norm.js';
import {
  AffineNormalization,
  AffineNormalizationArgs,
  checkBoolean,
} from './affine_normalization.js';
import type {InputShape} from './normalization_layer.js';

/** Arguments of {@link LayerNormalization} (Keras 3's, camelCased, with its defaults). */
export interface LayerNormalizationArgs extends AffineNormalizationArgs {
  /** Normalized axis or axes; any list, not necessarily contiguous. Default `-1`. */
  axis?: number | number[];
  /**
   * Keras's deprecated `rms_scaling`: `y = x / sqrt(var + epsilon) · gamma`, with the variance
   * still taken around the mean, no mean subtraction and no offset; as in Keras, `gamma` is
   * then always created and `beta` never. Accepted so saved Keras configs load; runs on
   * composite ops, not on the fused kernels. Default `false`.
   */
  rmsScaling?: boolean;
}

/**
 * Layer normalization (Keras 3 semantics) on fused kernels: for each position of the other
 * axes, `y = (x − mean) / sqrt(var + epsilon) · gamma + beta` over the `axis` axes, with the
 * biased variance. `gamma` and `beta` have the shape of the normalized axes.
 *
 * Weights, in order: `gamma`, `beta` (each when enabled).
 */
export class LayerNormalization extends AffineNormalization {
  /** Class name used for serialization, the same as Keras's. */
  static className = 'LayerNormalization';

  /** The axis argument as given; after build, a sorted list (as Keras saves it). */
  axis: number | number[];
  readonly rmsScaling: boolean;
  private resolvedAxes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.rmsScaling = checkBoolean(args.rmsScaling ?? false, this.where, 'rmsScaling');
  }

  override build(inputShape: InputShape): void {
    const shape = this.singleShape(inputShape);
    const {axes, paramShape} = this.normalizedAxes(this.axis, shape);
    this.axis = sortedAxisList(this.axis);
    this.resolvedAxes = axes;
    this.inputSpec = [{ndim: shape.length}];
    if (this.rmsScaling) {
      this.addAffineWeights(paramShape, true, false);
    } else {
      this.addAffineWeights(paramShape);
    }
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.singleInput(inputs);
      if (this.rmsScaling) {
        return this.rmsScaled(x);
      }
      return layerNormIn(this.where, x, {
        axis: this.resolvedAxes,
        epsilon: this.epsilon,
        ...this.affineValues(),
      });
    });
  }

  /** Keras's `rms_scaling` formula, with generic ops. */
  private rmsScaled(x: tf.Tensor): tf.Tensor {
    const axes = this.resolvedAxes;
    const {variance} = tf.moments(x, axes, true);
    const y = tf.mul(x, tf.rsqrt(tf.add(variance, this.epsilon)));
    if (this.gamma === null) {
      return y;
    }
    const broadcast = x.shape.map((size, i) => (axes.includes(i) ? size : 1));
    return tf.mul(y, tf.reshape(this.gamma.read(), broadcast));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      axis: this.axis,
      ...this.affineConfig(),
      rmsScaling: this.rmsScaling,
      ...super.getConfig(),
    };
  }
}
