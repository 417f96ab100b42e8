import {describeJson} from './json.js';

/**
 * Error thrown when a model config cannot be converted between the Keras 3 and tfjs dialects.
 * Its message names the layer or model, the config key, what was expected and what was found:
 *
 * `Keras 3 layer 'conv2d' (Conv2D): key 'groups' expected 1 (tfjs has no grouped
 * convolution), received 2`.
 *
 * @example
 * ```ts
 * import {interop} from 'tfjs-norm';
 *
 * try {
 *   await interop.loadKeras3Model('https://example.com/model.json');
 * } catch (error) {
 *   if (error instanceof interop.KerasConversionError) {
 *     console.log(error.where, error.key); // e.g. "Keras 3 layer 'conv2d' (Conv2D)", "groups"
 *   }
 * }
 * ```
 */
export class KerasConversionError extends Error {
  /**
   * @param where - The layer (name and class) or model that could not be converted.
   * @param key - The config key at fault, e.g. `'activation'` or `'inbound_nodes[0]'`.
   * @param expected - What the converter accepts there.
   * @param received - The value found, already printable.
   */
  constructor(
    readonly where: string,
    readonly key: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${where}: key '${key}' expected ${expected}, received ${received}`);
    this.name = 'KerasConversionError';
    Object.setPrototypeOf(this, KerasConversionError.prototype);
  }
}

/** Throws a {@link KerasConversionError} for `value` unless `condition` holds. */
export function ensure(
  condition: boolean,
  where: string,
  key: string,
  expected: string,
  value: unknown,
): asserts condition {
  if (!condition) {
    throw new KerasConversionError(where, key, expected, describeJson(value));
  }
}
