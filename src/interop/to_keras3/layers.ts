/**
 * tfjs → Keras 3: one layer (class name and config), as Keras 3's `model_from_json` reads it.
 */
import {JsonObject, JsonValue} from '../json.js';
import {isObjectKey, toKeras3Activation, toKeras3Object} from './objects.js';

/** tfjs / tfjs-norm classes that Keras 3 has under another name, with the config they need. */
const RENAMED_CLASSES: Record<string, {className: string; config: JsonObject}> = {
  InstanceNormalization: {className: 'GroupNormalization', config: {groups: -1}},
  'Addons>InstanceNormalization': {className: 'GroupNormalization', config: {groups: -1}},
  'Addons>GroupNormalization': {className: 'GroupNormalization', config: {}},
};

/** Config keys tfjs writes that Keras 3 constructors reject, per class ('*': every class). */
const TFJS_ONLY_KEYS: Record<string, string[]> = {
  '*': ['batch_input_shape'],
  Embedding: ['input_length'],
};

/** Config keys Keras 3 spells differently, per class. */
const RENAMED_KEYS: Record<string, Record<string, string>> = {
  InputLayer: {batch_input_shape: 'batch_shape'},
  LeakyReLU: {alpha: 'negative_slope'},
};

const ACTIVATION_KEYS = ['activation', 'recurrent_activation'];

function convertValue(key: string, value: JsonValue, where: string): JsonValue {
  if (isObjectKey(key)) {
    return toKeras3Object(value, key);
  }
  if (ACTIVATION_KEYS.includes(key)) {
    return toKeras3Activation(value, where, key);
  }
  return value;
}

/**
 * One tfjs layer (`class_name` and snake_case `config`, as tfjs saves it) as Keras 3 writes
 * it (`{module, class_name, config, registered_name}`, without graph connections):
 * `InstanceNormalization` → `GroupNormalization(groups=-1)`, InputLayer `batch_input_shape` →
 * `batch_shape`, LeakyReLU `alpha` → `negative_slope`, initializers/regularizers/constraints
 * with their Keras module, activations checked, tfjs-only keys (`batch_input_shape` outside an
 * InputLayer, Embedding `input_length`) dropped.
 */
export function toKeras3Layer(className: string, config: JsonObject): JsonObject {
  const where = `tfjs layer '${config.name}' (${className})`;
  const renamed = RENAMED_CLASSES[className];
  const kerasClass = renamed?.className ?? className;
  const dropped = className === 'InputLayer' ? [] : TFJS_ONLY_KEYS['*'];
  const skip = [...dropped, ...(TFJS_ONLY_KEYS[className] ?? [])];
  const keys = RENAMED_KEYS[kerasClass] ?? {};

  const out: JsonObject = {};
  for (const [key, value] of Object.entries(config)) {
    if (!skip.includes(key)) {
      out[keys[key] ?? key] = convertValue(key, value, where);
    }
  }

  return {
    module: 'keras.layers',
    class_name: kerasClass,
    config: {...out, ...renamed?.config},
    registered_name: null,
  };
}
