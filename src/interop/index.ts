/**
 * Interoperability with Keras 3.
 *
 * Keras 3 → tfjs: {@link loadKeras3Model} loads a Keras 3 model exported to the tfjs Layers
 * format (`model.json` in the Keras 3 config dialect plus weight shards) through tfjs's normal
 * IO; {@link keras3IOHandler}, {@link fromKeras3Artifacts}, {@link keras3TopologyToTfjs} and
 * {@link keras3ModelConfigToTfjs} are the same conversion at lower levels (pure functions over
 * JSON below the IO handler).
 *
 * tfjs → Keras 3: {@link toKeras3ModelJson} rewrites a `model.json` saved by tfjs so that
 * Keras 3's `keras.models.model_from_json` reads its topology; weights are then assigned by
 * name (a ten-line Python snippet, in the function's documentation and fixtures/README.md).
 * {@link toKeras3ModelConfig} converts the topology alone.
 *
 * @example
 * ```ts
 * import * as tfn from 'tfjs-norm';
 *
 * const model = await tfn.interop.loadKeras3Model('https://example.com/model.json');
 * ```
 */
export {KerasConversionError} from './errors.js';
export type {JsonObject, JsonValue} from './json.js';
export {
  fromKeras3Artifacts,
  keras3ModelConfigToTfjs,
  keras3TopologyToTfjs,
} from './from_keras3/model.js';
export {keras3IOHandler, loadKeras3Model} from './from_keras3/load.js';
export type {Keras3Source} from './from_keras3/load.js';
export {toKeras3ModelConfig, toKeras3ModelJson} from './to_keras3/model.js';
