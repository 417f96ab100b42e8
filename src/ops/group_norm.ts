import * as tf from '@tensorflow/tfjs';

import {resolveAxis} from '../core/axes.js';
import {check, describe} from '../core/errors.js';
import {groupView} from '../core/view_builders.js';
import {normalize} from './normalize.js';
import {checkEpsilon, checkInput, flatParam} from './validate.js';

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Number of groups; must divide the channels. `-1` means one group per channel. Default 32. */
  groups?: number;
  /** Channel axis: `-1` for channels-last, `1` for channels-first. Default `-1`. */
  axis?: number;
  /** Added to the variance. Default `1e-3`. */
  epsilon?: number;
  /** Per-channel scale, shape `[C]`. Default: none. */
  gamma?: tf.Tensor;
  /** Per-channel offset, shape `[C]`. Default: none. */
  beta?: tf.Tensor;
}

/** Checks `groups` against the channel count and returns it with `-1` resolved. */
export function resolveGroups(groups: number, channels: number, axis: number, where: string) {
  const resolved = groups === -1 ? channels : groups;
  check(
    Number.isInteger(resolved) && resolved >= 1 && channels % resolved === 0,
    where,
    'groups',
    `-1 or a divisor of the ${channels} channels on axis ${axis}`,
    () => describe(groups),
  );
  return resolved;
}

/** Group normalization with the caller's name in error messages. */
export function groupNormIn(where: string, x: tf.Tensor, options: GroupNormOptions): tf.Tensor {
  const {groups = 32, axis = -1, epsilon = 1e-3} = options;
  checkInput(x, where, 2);
  checkEpsilon(epsilon, where);
  const channelAxis = resolveAxis(axis, x.rank, where);
  check(channelAxis >= 1, where, 'axis', 'a channel axis other than the batch axis 0', () =>
    describe(axis),
  );
  const channels = x.shape[channelAxis];
  const groupCount = resolveGroups(groups, channels, channelAxis, where);

  return tf.tidy(() => {
    const gamma = flatParam(options.gamma, 'gamma', [channels], where);
    const beta = flatParam(options.beta, 'beta', [channels], where);
    const view = groupView(x.shape, channelAxis, groupCount);
    return normalize({x, gamma, beta}, {view, permutation: null}, {epsilon, centered: true}).y;
  });
}

/**
 * Group normalization: channels are split into `groups` groups; each sample and group is
 * normalized over its channels and every other non-batch axis, then scaled and shifted per
 * channel. Differentiable with respect to `x`, `gamma` and `beta`.
 */
export function groupNorm(x: tf.Tensor, options: GroupNormOptions = {}): tf.Tensor {
  return groupNormIn('tfn.ops.groupNorm', x, options);
}
