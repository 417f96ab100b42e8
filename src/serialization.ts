import * as tf from '@tensorflow/tfjs';

import {
  BatchNormalization,
  GroupNormalization,
  InstanceNormalization,
  LayerNormalization,
  RMSNormalization,
} from './layers/classes.js';

/** TensorFlow Addons' name for group normalization, loadable as this package's class. */
export class AddonsGroupNormalization extends GroupNormalization {
  static override className = 'Addons>GroupNormalization';
}

/** TensorFlow Addons' name for instance normalization, loadable as this package's class. */
export class AddonsInstanceNormalization extends InstanceNormalization {
  static override className = 'Addons>InstanceNormalization';
}

/** Every class this package registers for (de)serialization. */
export const SERIALIZABLE_CLASSES = [
  BatchNormalization,
  LayerNormalization,
  GroupNormalization,
  InstanceNormalization,
  RMSNormalization,
  AddonsGroupNormalization,
  AddonsInstanceNormalization,
];

type Entry = [
  tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  tf.serialization.FromConfigMethod<tf.serialization.Serializable>,
];

/** The serialization entries this package replaced (tfjs's own BatchNorm and LayerNorm). */
const replaced = new Map<string, Entry>();

/**
 * Registers every layer class with `tf.serialization.registerClass`, so models containing
 * them save and load. Because the class names are Keras's, this also makes
 * `tf.loadLayersModel` build this package's fused `BatchNormalization` and
 * `LayerNormalization` for models saved with tfjs's own layers (same weights, same config
 * keys). {@link useBuiltinLayersForLoading} undoes that.
 */
export function registerSerializableClasses(): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const cls of SERIALIZABLE_CLASSES) {
    const existing = map[cls.className];
    if (existing !== undefined && existing[0] !== cls && !replaced.has(cls.className)) {
      replaced.set(cls.className, existing);
    }
    tf.serialization.registerClass(cls);
  }
}

/**
 * Makes model loading build tfjs's own `BatchNormalization` and `LayerNormalization` again
 * (composite ops) instead of this package's fused layers. `registerSerializableClasses()`
 * switches back.
 */
export function useBuiltinLayersForLoading(): void {
  const map = tf.serialization.SerializationMap.getMap().classNameMap;
  for (const [name, entry] of replaced) {
    map[name] = entry;
  }
}
