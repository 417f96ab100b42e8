import * as tf from '@tensorflow/tfjs';

import {check, describe} from '../core/errors.js';
import {GroupNormalization, GroupNormalizationArgs} from './group_normalization.js';

/** Arguments of {@link InstanceNormalization}: group normalization's, without `groups`. */
export interface InstanceNormalizationArgs extends GroupNormalizationArgs {
  /** Accepted only as `-1` (TensorFlow Addons saved it so); anything else is an error. */
  groups?: -1;
}

/**
 * Instance normalization: each sample and channel normalized over the other non-batch axes,
 * with per-channel `gamma` and `beta`. The same as `GroupNormalization` with `groups: -1`
 * (Keras 3 has no class of its own for it), kept as its own class so models say what they
 * mean. Weights, in order: `gamma`, `beta`.
 */
export class InstanceNormalization extends GroupNormalization {
  /** Class name used for serialization. */
  static override className = 'InstanceNormalization';

  constructor(args: InstanceNormalizationArgs = {}) {
    const groups = (args as {groups?: number}).groups;
    super({...args, groups: -1});
    check(
      groups === undefined || groups === -1,
      this.where,
      'groups',
      'nothing or -1 (one group per channel)',
      () => describe(groups),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config = super.getConfig();
    delete config.groups;
    return config;
  }
}
