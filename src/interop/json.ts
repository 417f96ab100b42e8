/**
 * JSON values as they appear in `model.json` files, and small pure helpers over them. The
 * converters never modify their input: they build new objects.
 */

/** Any JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;

/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Whether `value` is a plain JSON object (not null, an array or an ArrayBuffer). */
export function isJsonObject(value: unknown): value is JsonObject {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether `value` is a serialized Keras object: an object with a string `class_name`. */
export function isSerializedObject(value: unknown): value is JsonObject & {class_name: string} {
  return isJsonObject(value) && typeof value.class_name === 'string';
}

/** A copy of `object` without `keys`. */
export function withoutKeys(object: JsonObject, keys: readonly string[]): JsonObject {
  const copy: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    if (!keys.includes(key)) {
      copy[key] = value;
    }
  }
  return copy;
}

/** Deep equality of two JSON values (object key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => jsonEqual(a[k], b[k]));
  }
  return a === b;
}

/** Short printable form of a JSON value for error messages (at most 80 characters). */
export function describeJson(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
