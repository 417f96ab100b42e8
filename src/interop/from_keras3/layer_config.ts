/**
 * Keras 3 → tfjs: one layer's `config`. Values are converted by kind (dtype policy, serialized
 * objects, activations), then Keras-only keys are dropped when they hold the value tfjs behaves
 * as (and rejected otherwise), then keys tfjs names differently are renamed.
 */
import {ensure} from '../errors.js';
import {jsonEqual, JsonObject, JsonValue} from '../json.js';
import {convertActivation, convertSerializedObject, dtypeFromPolicy} from './objects.js';

/** A Keras 3 config key unknown to tfjs: the values tfjs matches, and why others cannot load. */
interface KerasOnlyKey {
  neutral: JsonValue[];
  reason: string;
}

const ANY_LAYER: Record<string, KerasOnlyKey> = {
  quantization_config: {neutral: [null], reason: 'tfjs has no quantized layers'},
  lora_rank: {neutral: [null], reason: 'tfjs has no LoRA layers'},
  lora_alpha: {neutral: [null], reason: 'tfjs has no LoRA layers'},
};

const CONVOLUTION: Record<string, KerasOnlyKey> = {
  groups: {neutral: [1], reason: 'tfjs has no grouped convolution'},
};

const TRANSPOSED_CONVOLUTION: Record<string, KerasOnlyKey> = {
  ...CONVOLUTION,
  output_padding: {neutral: [null], reason: 'tfjs has no output_padding'},
};

const GLOBAL_POOLING: Record<string, KerasOnlyKey> = {
  keepdims: {neutral: [false], reason: 'tfjs global pooling always drops the pooled axes'},
};

/** Keras-only keys per Keras 3 class (besides {@link ANY_LAYER}). */
const KERAS_ONLY_KEYS: Record<string, Record<string, KerasOnlyKey>> = {
  InputLayer: {
    sparse: {neutral: [false], reason: 'tfjs inputs are dense'},
    ragged: {neutral: [false], reason: 'tfjs has no ragged tensors'},
    optional: {neutral: [false], reason: 'tfjs inputs are required'},
  },
  Conv1D: CONVOLUTION,
  Conv2D: CONVOLUTION,
  Conv3D: CONVOLUTION,
  Conv2DTranspose: TRANSPOSED_CONVOLUTION,
  Conv3DTranspose: TRANSPOSED_CONVOLUTION,
  GlobalAveragePooling1D: GLOBAL_POOLING,
  GlobalAveragePooling2D: GLOBAL_POOLING,
  GlobalMaxPooling1D: GLOBAL_POOLING,
  GlobalMaxPooling2D: GLOBAL_POOLING,
  ReLU: {
    negative_slope: {neutral: [0], reason: 'tfjs ReLU has no negative slope (use LeakyReLU)'},
    threshold: {neutral: [0], reason: 'tfjs ReLU has no threshold'},
  },
};

/** Keras 3 config keys that tfjs spells differently, per class. */
const RENAMED_KEYS: Record<string, Record<string, string>> = {
  InputLayer: {batch_shape: 'batch_input_shape'},
  LeakyReLU: {negative_slope: 'alpha'},
};

const OBJECT_KEY_SUFFIXES = ['_initializer', '_regularizer', '_constraint'];
const ACTIVATION_KEYS = ['activation', 'recurrent_activation'];

/** Converts one config value according to what its key holds. */
function convertValue(key: string, value: JsonValue, where: string): JsonValue {
  if (key === 'dtype') {
    return dtypeFromPolicy(value, where);
  }
  if (OBJECT_KEY_SUFFIXES.some((suffix) => key.endsWith(suffix))) {
    return convertSerializedObject(value, where, key);
  }
  if (ACTIVATION_KEYS.includes(key)) {
    return convertActivation(value, where, key);
  }
  return value;
}

/** Drops the Keras-only keys that hold their neutral value; throws for any other value. */
function dropKerasOnlyKeys(className: string, config: JsonObject, where: string): JsonObject {
  const kerasOnly = {...ANY_LAYER, ...KERAS_ONLY_KEYS[className]};
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    const rule = kerasOnly[key];
    if (rule === undefined) {
      kept[key] = value;
      continue;
    }
    ensure(
      rule.neutral.some((neutral) => jsonEqual(value, neutral)),
      where,
      key,
      `${rule.neutral.map((v) => JSON.stringify(v)).join(' or ')} (${rule.reason})`,
      value,
    );
  }
  return kept;
}

function renameKeys(className: string, config: JsonObject): JsonObject {
  const renamed = RENAMED_KEYS[className] ?? {};
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    out[renamed[key] ?? key] = value;
  }
  return out;
}

/**
 * One Keras 3 layer config (`get_config()`, snake_case) in the tfjs dialect.
 *
 * @param className - The Keras class name, e.g. `'Conv2D'`.
 * @param where - The layer, for error messages.
 */
export function convertLayerConfig(
  className: string,
  config: JsonObject,
  where: string,
): JsonObject {
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    converted[key] = convertValue(key, value, where);
  }

  const kept = dropKerasOnlyKeys(className, converted, where);

  return renameKeys(className, kept);
}
