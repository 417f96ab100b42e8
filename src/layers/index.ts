import {BatchNormalization, BatchNormalizationArgs} from './batch_normalization.js';
import {GroupNormalization, GroupNormalizationArgs} from './group_normalization.js';
import {InstanceNormalization, InstanceNormalizationArgs} from './instance_normalization.js';
import {LayerNormalization, LayerNormalizationArgs} from './layer_normalization.js';
import {RMSNormalization, RMSNormalizationArgs} from './rms_normalization.js';

/** Creates a {@link BatchNormalization} layer. */
export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

/** Creates a {@link LayerNormalization} layer. */
export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}

/** Creates a {@link GroupNormalization} layer. */
export function groupNormalization(args: GroupNormalizationArgs = {}): GroupNormalization {
  return new GroupNormalization(args);
}

/** Creates an {@link InstanceNormalization} layer. */
export function instanceNormalization(args: InstanceNormalizationArgs = {}): InstanceNormalization {
  return new InstanceNormalization(args);
}

/** Creates an {@link RMSNormalization} layer. */
export function rmsNormalization(args: RMSNormalizationArgs = {}): RMSNormalization {
  return new RMSNormalization(args);
}
