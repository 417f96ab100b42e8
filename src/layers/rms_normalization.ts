import * as tf from '@tensorflow/tfjs';
import type {LayerArgs} from '@tensorflow/tfjs-layers/dist/engine/topology';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';
import type {LayerVariable} from '@tensorflow/tfjs-layers/dist/variables';

import {sortedAxisList} from '../core/axes.js';
import {checkEpsilon} from '../ops/validate.js';
import {rmsNormIn} from '../ops/rms_norm.js';
import {InputShape, NormalizationLayer} from './normalization_layer.js';

/** Arguments of {@link RMSNormalization} (Keras 3's, camelCased, with its defaults). */
export interface RMSNormalizationArgs extends LayerArgs {
  /** Normalized axis or axes. Default `-1`. */
  axis?: number | number[];
  /** Added to the mean square. Default `1e-6`. */
  epsilon?: number;
}

/**
 * Root-mean-square normalization (Keras 3 semantics) on fused kernels:
 * `y = x / sqrt(mean(x²) + epsilon) · scale` over the `axis` axes. One weight, `scale`,
 * initialized to ones, with the shape of the normalized axes.
 */
export class RMSNormalization extends NormalizationLayer {
  /** Class name used for serialization, the same as Keras's. */
  static className = 'RMSNormalization';

  /** The axis argument as given; after build, a sorted list (as Keras saves it). */
  axis: number | number[];
  readonly epsilon: number;
  private scale: LayerVariable | null = null;
  private resolvedAxes: number[] = [];

  constructor(args: RMSNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-6;
    checkEpsilon(this.epsilon, this.where);
  }

  override build(inputShape: InputShape): void {
    const shape = this.singleShape(inputShape);
    const {axes, paramShape} = this.normalizedAxes(this.axis, shape);
    this.axis = sortedAxisList(this.axis);
    this.resolvedAxes = axes;
    this.inputSpec = [{ndim: shape.length}];
    const ones = tf.initializers.ones();
    this.scale = this.addWeight('scale', paramShape, 'float32', ones, undefined, true);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() =>
      rmsNormIn(this.where, this.singleInput(inputs), {
        axis: this.resolvedAxes,
        epsilon: this.epsilon,
        scale: this.scale!.read(),
      }),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {axis: this.axis, epsilon: this.epsilon, ...super.getConfig()};
  }
}
