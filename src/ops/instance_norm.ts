import * as tf from '@tensorflow/tfjs';

import {groupNormIn} from './group_norm.js';

/** Options of {@link instanceNorm}: those of group normalization without `groups`. */
export interface InstanceNormOptions {
  /** Channel axis. Default `-1`. */
  axis?: number;
  /** Added to the variance. Default `1e-3`. */
  epsilon?: number;
  /** Per-channel scale, shape `[C]`. Default: none. */
  gamma?: tf.Tensor;
  /** Per-channel offset, shape `[C]`. Default: none. */
  beta?: tf.Tensor;
}

/**
 * Instance normalization: each sample and channel is normalized over the other non-batch
 * axes. Equal to {@link groupNorm} with one group per channel.
 */
export function instanceNorm(x: tf.Tensor, options: InstanceNormOptions = {}): tf.Tensor {
  return groupNormIn('tfn.ops.instanceNorm', x, {...options, groups: -1});
}
