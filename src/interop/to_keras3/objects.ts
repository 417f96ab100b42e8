/**
 * tfjs → Keras 3: the values inside a layer config — serialized initializers, regularizers and
 * constraints, and activation names.
 */
import {ensure} from '../errors.js';
import {isJsonObject, isSerializedObject, JsonValue} from '../json.js';
import {SHARED_ACTIVATIONS} from '../activations.js';

/** The Keras 3 module of each kind of serialized object, by config key suffix. */
const MODULES: Record<string, string> = {
  _initializer: 'keras.initializers',
  _regularizer: 'keras.regularizers',
  _constraint: 'keras.constraints',
};

/** tfjs class names whose Keras 3 class is named differently. */
const RENAMED_CLASSES: Record<string, string> = {
  LeCunNormal: 'LecunNormal',
  LeCunUniform: 'LecunUniform',
};

/** tfjs VarianceScaling `distribution` values Keras 3 spells differently. */
const DISTRIBUTIONS: Record<string, string> = {normal: 'truncated_normal'};

/** Whether a config key holds an initializer, regularizer or constraint. */
export function isObjectKey(key: string): boolean {
  return Object.keys(MODULES).some((suffix) => key.endsWith(suffix));
}

/**
 * A tfjs serialized initializer, regularizer or constraint as Keras 3 writes it:
 * `{module, class_name, config, registered_name: null}`. tfjs's VarianceScaling
 * `distribution: 'normal'` is a truncated normal and becomes `'truncated_normal'`.
 *
 * @param key - The config key, e.g. `'kernel_initializer'` (it selects the Keras module).
 */
export function toKeras3Object(value: JsonValue, key: string): JsonValue {
  if (!isSerializedObject(value)) {
    return value;
  }
  const config = isJsonObject(value.config) ? {...value.config} : {};
  if (typeof config.distribution === 'string') {
    config.distribution = DISTRIBUTIONS[config.distribution] ?? config.distribution;
  }
  const suffix = Object.keys(MODULES).find((s) => key.endsWith(s))!;

  return {
    module: MODULES[suffix],
    class_name: RENAMED_CLASSES[value.class_name] ?? value.class_name,
    config,
    registered_name: null,
  };
}

/**
 * A tfjs activation name checked for Keras 3. `'hard_sigmoid'` (tfjs `0.2·x + 0.5`, Keras 3
 * `relu6(x + 3) / 6`) and `'gelu_new'` (the tanh approximation; Keras's `'gelu'` string is the
 * exact one) have no Keras 3 equivalent and throw.
 *
 * @param where - The layer, for error messages.
 * @param key - The config key, e.g. `'activation'`.
 */
export function toKeras3Activation(value: JsonValue, where: string, key: string): JsonValue {
  ensure(
    value === null || (typeof value === 'string' && SHARED_ACTIVATIONS.includes(value)),
    where,
    key,
    `an activation Keras 3 computes as tfjs does (${SHARED_ACTIVATIONS.join(', ')})`,
    value,
  );
  return value;
}
