import * as tf from '@tensorflow/tfjs';
import type {Constraint} from '@tensorflow/tfjs-layers/dist/constraints';
import type {Initializer} from '@tensorflow/tfjs-layers/dist/initializers';
import type {Regularizer} from '@tensorflow/tfjs-layers/dist/regularizers';

import {check, describe} from '../core/errors.js';

export type {Constraint, Initializer, Regularizer};

/** A serialized object as it appears in a layer config: `{className, config}`. */
export type SerializedObject = {
  className: string;
  config: tf.serialization.ConfigDict;
};

/**
 * How an initializer, regularizer or constraint may be given: an instance, a registered
 * identifier (`'zeros'`, `'glorotUniform'`, `'glorot_uniform'`, `'l1l2'`, `'nonNeg'`, ...,
 * matched case-insensitively against registered class names) or a serialized object.
 */
export type ObjectSpec<T> = T | string | SerializedObject | null | undefined;

type Constructor = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;
type FromConfig = tf.serialization.FromConfigMethod<tf.serialization.Serializable>;

/** Keras names whose tfjs class has another name and config. */
const KERAS_ALIASES: Record<string, (config: tf.serialization.ConfigDict) => SerializedObject> = {
  l1: (config) => ({className: 'L1L2', config: {l1: config.l1 ?? 0.01, l2: 0}}),
  l2: (config) => ({className: 'L1L2', config: {l1: 0, l2: config.l2 ?? 0.01}}),
};

function findRegistered(name: string): [Constructor, FromConfig] | undefined {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  const wanted = name.replace(/_/g, '').toLowerCase();
  const key = Object.keys(map).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : map[key];
}

function isInstance(value: unknown): boolean {
  const candidate = value as {apply?: unknown; getClassName?: unknown};
  return typeof candidate.apply === 'function' && typeof candidate.getClassName === 'function';
}

/**
 * Resolves an {@link ObjectSpec} to an instance, or `null` when none is given.
 *
 * @param where - Layer name for error messages.
 * @param argument - Argument name for error messages, e.g. `'gammaInitializer'`.
 */
export function resolveObject<T>(spec: ObjectSpec<T>, where: string, argument: string): T | null {
  if (spec === null || spec === undefined) {
    return null;
  }
  if (isInstance(spec)) {
    return spec as T;
  }

  let serialized: SerializedObject;
  if (typeof spec === 'string') {
    serialized = {className: spec, config: {}};
  } else {
    serialized = spec as SerializedObject;
  }
  const alias = KERAS_ALIASES[String(serialized.className).toLowerCase()];
  if (alias !== undefined) {
    serialized = alias(serialized.config ?? {});
  }

  const entry = findRegistered(String(serialized.className));
  check(
    entry !== undefined,
    where,
    argument,
    'an instance, a registered identifier or {className, config}',
    () => describe(typeof spec === 'string' ? spec : JSON.stringify(spec)),
  );
  const [cls, fromConfig] = entry;
  return fromConfig(cls, serialized.config ?? {}) as unknown as T;
}

/** The `{className, config}` form of an instance for `getConfig()`, or `null`. */
export function serializeObject(
  value: {getClassName(): string; getConfig(): tf.serialization.ConfigDict} | null,
): SerializedObject | null {
  if (value === null) {
    return null;
  }
  return {className: value.getClassName(), config: value.getConfig()};
}
