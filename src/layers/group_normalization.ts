import * as tf from '@tensorflow/tfjs';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {resolveAxis} from '../core/axes.js';
import {check, describe} from '../core/errors.js';
import {groupNormIn, resolveGroups} from '../ops/group_norm.js';
import {AffineNormalization, AffineNormalizationArgs} from './affine_normalization.js';
import type {InputShape} from './normalization_layer.js';

/** Arguments of {@link GroupNormalization} (Keras 3's, camelCased, with its defaults). */
export interface GroupNormalizationArgs extends AffineNormalizationArgs {
  /**
   * Number of groups the channels are split into; must divide the channel count. `-1` means
   * one group per channel (instance normalization) and is replaced by the channel count at
   * build, as Keras does. Default `32`.
   */
  groups?: number;
  /** Channel axis: `-1` channels-last, `1` channels-first. Default `-1`. */
  axis?: number;
}

/**
 * Group normalization (Keras 3 semantics) on fused kernels: for each sample and group of
 * channels, `y = (x − mean) / sqrt(var + epsilon) · gamma + beta`, statistics over the group's
 * channels and every non-batch axis; `gamma` and `beta` are per channel, shape `[C]`.
 *
 * Weights, in order: `gamma`, `beta` (each when enabled).
 */
export class GroupNormalization extends AffineNormalization {
  /** Class name used for serialization, the same as Keras's. */
  static className = 'GroupNormalization';

  /** Groups as given; after build, the resolved count (as Keras saves it). */
  groups: number;
  readonly axis: number;
  private resolvedAxis = -1;

  constructor(args: GroupNormalizationArgs = {}) {
    super(args);
    this.groups = args.groups ?? 32;
    this.axis = args.axis ?? -1;
    check(
      Number.isInteger(this.groups) && (this.groups === -1 || this.groups >= 1),
      this.where,
      'groups',
      '-1 or a positive integer',
      () => describe(this.groups),
    );
    check(Number.isInteger(this.axis), this.where, 'axis', 'an integer', () => describe(this.axis));
  }

  override build(inputShape: InputShape): void {
    const shape = this.singleShape(inputShape);
    check(shape.length >= 2, this.where, 'inputShape', 'rank 2 or more', () => describe(shape));
    this.resolvedAxis = resolveAxis(this.axis, shape.length, this.where);
    check(
      this.resolvedAxis >= 1,
      this.where,
      'axis',
      'a channel axis other than the batch axis 0',
      () => describe(this.axis),
    );
    const channels = this.definedSize(shape, this.resolvedAxis);
    this.groups = resolveGroups(this.groups, channels, this.resolvedAxis, this.where);
    this.inputSpec = [{ndim: shape.length, axes: {[this.resolvedAxis]: channels}}];
    this.addAffineWeights([channels]);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() =>
      groupNormIn(this.where, this.singleInput(inputs), {
        groups: this.groups,
        axis: this.resolvedAxis,
        epsilon: this.epsilon,
        ...this.affineValues(),
      }),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {groups: this.groups, axis: this.axis, ...this.affineConfig(), ...super.getConfig()};
  }
}
