import * as tf from '@tensorflow/tfjs';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';
import type {LayerVariable} from '@tensorflow/tfjs-layers/dist/variables';

import {resolveAxis} from '../core/axes.js';
import {check, describe} from '../core/errors.js';
import {batchNormIn, varianceFromInvStd} from '../ops/batch_norm.js';
import {
  AffineNormalization,
  AffineNormalizationArgs,
  checkBoolean,
} from './affine_normalization.js';
import {Initializer, ObjectSpec, resolveObject, serializeObject} from './config_objects.js';
import type {InputShape} from './normalization_layer.js';

/** Arguments of {@link BatchNormalization} (Keras 3's, camelCased, with its defaults). */
export interface BatchNormalizationArgs extends AffineNormalizationArgs {
  /** The channel axis, kept; statistics are taken over every other axis. Default `-1`. */
  axis?: number;
  /** Momentum of the moving averages. Default `0.99`. */
  momentum?: number;
  /** Initializer of `moving_mean`. Default `'zeros'`. */
  movingMeanInitializer?: ObjectSpec<Initializer>;
  /** Initializer of `moving_variance`. Default `'ones'`. */
  movingVarianceInitializer?: ObjectSpec<Initializer>;
  /**
   * Keras's cross-replica switch. Accepted so Keras configs load; a tfjs model runs on one
   * device, where synchronized and local statistics are the same. Default `false`.
   */
  synchronized?: boolean;
  /** Keras's batch renormalization. Only `false` is supported. Default `false`. */
  renorm?: boolean;
  /** Keras's renormalization clipping; accepted for config compatibility. Default `null`. */
  renormClipping?: tf.serialization.ConfigDict | null;
  /** Keras's renormalization momentum; accepted for config compatibility. Default `0.99`. */
  renormMomentum?: number;
}

/**
 * Batch normalization (Keras 3 semantics) on fused kernels.
 *
 * Training (`training: true` and the layer trainable) normalizes with the batch mean and the
 * biased batch variance over every axis but `axis`, and updates
 * `moving = moving · momentum + batch · (1 − momentum)`. Otherwise it normalizes with the moving
 * statistics: `y = (x − movingMean) / sqrt(movingVariance + epsilon) · gamma + beta`. A layer
 * with `trainable: false` always behaves as in inference, as in Keras 3. Any rank ≥ 2 and any
 * channel axis (channels-first included) are supported, with `center`/`scale` on or off.
 *
 * Weights, in order: `gamma`, `beta` (trainable, when enabled), `moving_mean`,
 * `moving_variance`.
 */
export class BatchNormalization extends AffineNormalization {
  /** Class name used for serialization, the same as Keras's. */
  static className = 'BatchNormalization';

  readonly axis: number;
  readonly momentum: number;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  readonly synchronized: boolean;
  readonly renormClipping: tf.serialization.ConfigDict | null;
  readonly renormMomentum: number;

  private movingMean: LayerVariable | null = null;
  private movingVariance: LayerVariable | null = null;
  private resolvedAxis = -1;

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    check(Number.isInteger(this.axis), this.where, 'axis', 'an integer', () => describe(this.axis));
    this.momentum = args.momentum ?? 0.99;
    check(
      typeof this.momentum === 'number' && this.momentum >= 0 && this.momentum <= 1,
      this.where,
      'momentum',
      'a number in [0, 1]',
      () => describe(this.momentum),
    );
    this.movingMeanInitializer = resolveObject(
      args.movingMeanInitializer ?? 'zeros',
      this.where,
      'movingMeanInitializer',
    )!;
    this.movingVarianceInitializer = resolveObject(
      args.movingVarianceInitializer ?? 'ones',
      this.where,
      'movingVarianceInitializer',
    )!;
    this.synchronized = checkBoolean(args.synchronized ?? false, this.where, 'synchronized');
    this.renormClipping = args.renormClipping ?? null;
    this.renormMomentum = args.renormMomentum ?? 0.99;
    check(
      !args.renorm,
      this.where,
      'renorm',
      'false (batch renormalization is not implemented)',
      () => describe(args.renorm),
    );
  }

  override build(inputShape: InputShape): void {
    const shape = this.singleShape(inputShape);
    check(shape.length >= 2, this.where, 'inputShape', 'rank 2 or more', () => describe(shape));
    this.resolvedAxis = resolveAxis(this.axis, shape.length, this.where);
    const channels = this.definedSize(shape, this.resolvedAxis);
    this.inputSpec = [{ndim: shape.length, axes: {[this.resolvedAxis]: channels}}];

    this.addAffineWeights([channels]);
    this.movingMean = this.addWeight(
      'moving_mean',
      [channels],
      'float32',
      this.movingMeanInitializer,
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      'moving_variance',
      [channels],
      'float32',
      this.movingVarianceInitializer,
      undefined,
      false,
    );
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = this.singleInput(inputs);
      const training = kwargs['training'] === true && this.trainable;
      const options = {axis: this.resolvedAxis, epsilon: this.epsilon, ...this.affineValues()};

      if (!training) {
        return batchNormIn(this.where, x, {
          ...options,
          mean: this.movingMean!.read(),
          variance: this.movingVariance!.read(),
        }).y;
      }

      const out = batchNormIn(this.where, x, options);
      this.updateMovingAverage(this.movingMean!, out.mean);
      this.updateMovingAverage(this.movingVariance!, varianceFromInvStd(out.invStd, this.epsilon));
      return out.y;
    });
  }

  /** `moving ← moving · momentum + batch · (1 − momentum)`. */
  private updateMovingAverage(moving: LayerVariable, batch: tf.Tensor): void {
    const updated = tf.add(tf.mul(moving.read(), this.momentum), tf.mul(batch, 1 - this.momentum));
    moving.write(updated);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      axis: this.axis,
      momentum: this.momentum,
      ...this.affineConfig(),
      movingMeanInitializer: serializeObject(this.movingMeanInitializer),
      movingVarianceInitializer: serializeObject(this.movingVarianceInitializer),
      synchronized: this.synchronized,
      renorm: false,
      renormClipping: this.renormClipping,
      renormMomentum: this.renormMomentum,
      ...super.getConfig(),
    };
  }
}
