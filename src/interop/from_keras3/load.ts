/**
 * Keras 3 → tfjs through tfjs's normal model IO: an IOHandler wrapper that rewrites the topology
 * on load, and `loadKeras3Model`, the one-call loader.
 */
import * as tf from '@tensorflow/tfjs';

import {KerasConversionError} from '../errors.js';
import {fromKeras3Artifacts} from './model.js';

/** Where a Keras 3 `model.json` comes from: a URL tfjs can load, or an IOHandler. */
export type Keras3Source = string | tf.io.IOHandler;

function loadHandlerFor(source: Keras3Source, options?: tf.io.LoadOptions): tf.io.IOHandler {
  if (typeof source !== 'string') {
    return source;
  }
  const handlers = tf.io.getLoadHandlers(source, options);
  return handlers.length > 0 ? handlers[0] : tf.io.http(source, options);
}

/**
 * An IOHandler that loads a Keras 3 `model.json` through `source` and hands tfjs the topology
 * rewritten by {@link fromKeras3Artifacts}; the weights are loaded by `source` as usual.
 *
 * @param source - A URL (`http(s)://`, `indexeddb://`, `file://` with tfjs-node, ...) or any
 *   IOHandler with `load`, e.g. `tf.io.fromMemory(...)`.
 * @param options - tfjs load options, used when `source` is a URL. Default none.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import {interop} from 'tfjs-norm';
 *
 * const handler = interop.keras3IOHandler('https://example.com/model.json');
 * const model = await tf.loadLayersModel(handler);
 * ```
 */
export function keras3IOHandler(
  source: Keras3Source,
  options?: tf.io.LoadOptions,
): tf.io.IOHandler {
  const handler = loadHandlerFor(source, options);
  const load = handler.load?.bind(handler);
  if (load === undefined) {
    throw new KerasConversionError(
      'keras3IOHandler',
      'source',
      'a URL or an IOHandler that can load',
      'an IOHandler without load()',
    );
  }
  return {load: async () => fromKeras3Artifacts(await load())};
}

/**
 * Loads a Keras 3 model exported to the tfjs Layers format (`model.json` in the Keras 3 config
 * dialect plus weight shards) as a `tf.LayersModel`. Layers of this package (the five
 * normalizations) must be registered, which importing `tfjs-norm` does.
 *
 * @param source - A URL tfjs can load or an IOHandler (see {@link keras3IOHandler}).
 * @param options - tfjs load options (`strict`, `weightUrlConverter`, ...). Default none.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import * as tfn from 'tfjs-norm';
 *
 * const model = await tfn.interop.loadKeras3Model('https://example.com/cnn/model.json');
 * const y = model.predict(tf.zeros([1, 8, 8, 3])) as tf.Tensor;
 * ```
 */
export async function loadKeras3Model(
  source: Keras3Source,
  options?: tf.io.LoadOptions,
): Promise<tf.LayersModel> {
  return tf.loadLayersModel(keras3IOHandler(source, options), options);
}
