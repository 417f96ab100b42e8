/**
 * Keras 3 → tfjs: the values inside a layer config — dtype policies, serialized initializers,
 * regularizers and constraints, and activation names.
 */
import {ensure} from '../errors.js';
import {isJsonObject, isSerializedObject, JsonObject, JsonValue, withoutKeys} from '../json.js';
import {SHARED_ACTIVATIONS} from '../activations.js';

/** Keys Keras 3 adds to every serialized object, meaningless to tfjs. */
export const KERAS3_OBJECT_KEYS = ['module', 'registered_name', 'shared_object_id'] as const;

/** dtypes a tfjs layer can compute in. */
const TFJS_DTYPES = ['float32', 'int32', 'bool'];

/**
 * A Keras 3 dtype policy as a tfjs dtype string: `{class_name: 'DTypePolicy', config: {name:
 * 'float32'}}` → `'float32'`; a plain string is kept. Mixed-precision and quantized policies
 * are rejected: tfjs computes in float32.
 *
 * @param where - The layer, for error messages.
 */
export function dtypeFromPolicy(value: JsonValue, where: string): JsonValue {
  const name = isSerializedObject(value) && isJsonObject(value.config) ? value.config.name : value;
  ensure(
    value === null || (typeof name === 'string' && TFJS_DTYPES.includes(name)),
    where,
    'dtype',
    `a dtype or DTypePolicy among ${TFJS_DTYPES.join(', ')}`,
    value,
  );
  return name;
}

/** Keras 3 class names whose tfjs class is named differently. */
const RENAMED_CLASSES: Record<string, string> = {
  LecunNormal: 'LeCunNormal',
  LecunUniform: 'LeCunUniform',
};

/** Keras 3 regularizers tfjs only has as `L1L2`. */
const L1L2_ALIASES: Record<string, (config: JsonObject) => JsonObject> = {
  L1: (config) => ({l1: config.l1 ?? 0.01, l2: 0}),
  L2: (config) => ({l1: 0, l2: config.l2 ?? 0.01}),
};

/** Initializer config keys of Keras 3 that tfjs lacks, allowed only with their neutral value. */
const NEUTRAL_OBJECT_KEYS: Record<string, JsonValue> = {input_axes: null, output_axes: null};

function objectConfig(value: JsonObject & {class_name: string}, where: string, key: string) {
  const config = isJsonObject(value.config) ? withoutKeys(value.config, KERAS3_OBJECT_KEYS) : {};
  for (const [name, neutral] of Object.entries(NEUTRAL_OBJECT_KEYS)) {
    ensure(
      config[name] === undefined || config[name] === neutral,
      where,
      `${key}.config.${name}`,
      `${JSON.stringify(neutral)} (tfjs ${value.class_name} has no ${name})`,
      config[name],
    );
    delete config[name];
  }
  ensure(
    config.distribution !== 'untruncated_normal',
    where,
    `${key}.config.distribution`,
    "'uniform', 'normal' or 'truncated_normal' (tfjs has no untruncated normal)",
    config.distribution,
  );
  return config;
}

/**
 * A Keras 3 serialized initializer, regularizer or constraint in tfjs form: `module` and
 * `registered_name` dropped, Keras-only class names mapped (`L1`/`L2` → `L1L2`, `LecunNormal` →
 * `LeCunNormal`), Keras-only config keys (`input_axes`, `output_axes`) dropped when unset.
 * Strings and `null` are kept.
 *
 * @param where - The layer, for error messages.
 * @param key - The config key holding the object, e.g. `'kernel_initializer'`.
 */
export function convertSerializedObject(value: JsonValue, where: string, key: string): JsonValue {
  if (!isSerializedObject(value)) {
    return value;
  }
  const config = objectConfig(value, where, key);
  const alias = L1L2_ALIASES[value.class_name];
  if (alias !== undefined) {
    return {class_name: 'L1L2', config: alias(config)};
  }
  return {class_name: RENAMED_CLASSES[value.class_name] ?? value.class_name, config};
}

/** Keras 3 activation names tfjs has under another name. */
const RENAMED_ACTIVATIONS: Record<string, string> = {silu: 'swish'};

/**
 * A Keras 3 activation in tfjs form. Keras 3's `'gelu'` string is the exact (erf) GELU, as is
 * tfjs's; `'silu'` becomes `'swish'`. `'hard_sigmoid'` is rejected: Keras 3 computes
 * `relu6(x + 3) / 6`, tfjs `0.2·x + 0.5`. A serialized function object (`{class_name:
 * 'function', config: 'relu'}`) is read as its name.
 *
 * @param where - The layer, for error messages.
 * @param key - The config key, e.g. `'activation'`.
 */
export function convertActivation(value: JsonValue, where: string, key: string): JsonValue {
  const name = isSerializedObject(value) && typeof value.config === 'string' ? value.config : value;
  if (name === null) {
    return null;
  }
  const known =
    typeof name === 'string' && (SHARED_ACTIVATIONS.includes(name) || name in RENAMED_ACTIVATIONS);
  ensure(
    known,
    where,
    key,
    `an activation tfjs computes as Keras 3 does (${[...SHARED_ACTIVATIONS, 'silu'].join(', ')})`,
    value,
  );
  return RENAMED_ACTIVATIONS[name as string] ?? name;
}
