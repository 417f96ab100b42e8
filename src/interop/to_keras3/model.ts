/**
 * tfjs → Keras 3: whole model configs and `model.json` files. The result is what Keras 3's
 * `keras.models.model_from_json` reads; the weights files stay as tfjs wrote them.
 */
import {ensure} from '../errors.js';
import {isJsonObject, isSerializedObject, JsonObject, JsonValue} from '../json.js';
import {toKeras3Layer} from './layers.js';

const FUNCTIONAL_CLASSES = ['Model', 'Functional'];

/** `[['x', 0, 0]]` → `['x', 0, 0]`: Keras 3 writes (and then returns) a single tensor flat. */
function unwrapSingle(refs: JsonValue): JsonValue {
  return Array.isArray(refs) && refs.length === 1 ? refs[0] : refs;
}

function layerEntries(config: JsonValue, where: string): JsonObject[] {
  const layers = Array.isArray(config) ? config : isJsonObject(config) ? config.layers : undefined;
  ensure(Array.isArray(layers), where, 'config.layers', 'a list of layers', layers);
  layers.forEach((layer, i) => {
    ensure(
      isSerializedObject(layer) && isJsonObject(layer.config),
      where,
      `config.layers[${i}]`,
      'a layer {class_name, config}',
      layer,
    );
  });
  return layers as JsonObject[];
}

/** The `InputLayer` Keras 3 wants first in a Sequential (tfjs keeps the shape on layer 0). */
function sequentialInput(first: JsonObject, where: string): JsonObject {
  const config = first.config as JsonObject;
  ensure(
    Array.isArray(config.batch_input_shape),
    where,
    'config.layers[0].config.batch_input_shape',
    'the input shape of the model',
    config.batch_input_shape,
  );
  const inputConfig = {
    batch_shape: config.batch_input_shape,
    dtype: config.dtype ?? 'float32',
    name: `${config.name}_input`,
  };
  return {
    module: 'keras.layers',
    class_name: 'InputLayer',
    config: inputConfig,
    registered_name: null,
  };
}

function toKeras3Sequential(model: JsonObject, where: string): JsonObject {
  const entries = layerEntries(model.config, where);
  ensure(entries.length > 0, where, 'config.layers', 'at least one layer', entries);
  const first = entries[0].class_name === 'InputLayer' ? [] : [sequentialInput(entries[0], where)];
  const layers = entries.map((entry) =>
    toKeras3Layer(entry.class_name as string, entry.config as JsonObject),
  );
  const name = isJsonObject(model.config) ? model.config.name : null;

  return {
    module: 'keras',
    class_name: 'Sequential',
    config: {name: name ?? 'sequential', trainable: true, layers: [...first, ...layers]},
    registered_name: null,
  };
}

/** tfjs writes Keras 2 style `inbound_nodes` lists, which Keras 3 still reads: kept as they are. */
function toKeras3Functional(model: JsonObject, where: string): JsonObject {
  const config = model.config as JsonObject;
  const layers = layerEntries(config, where).map((entry) => ({
    ...toKeras3Layer(entry.class_name as string, entry.config as JsonObject),
    name: entry.name ?? (entry.config as JsonObject).name,
    inbound_nodes: entry.inbound_nodes ?? [],
  }));

  return {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: {
      name: config.name ?? 'model',
      trainable: true,
      layers,
      input_layers: unwrapSingle(config.input_layers),
      output_layers: unwrapSingle(config.output_layers),
    },
    registered_name: 'Functional',
  };
}

/**
 * A tfjs Layers model topology (as `model.save` writes it in `model.json`, snake_case) as a
 * Keras 3 model config, what `keras.models.model_from_json` reads:
 *
 * - `Model` → `Functional` with Keras 3's `module`/`registered_name`, a single input/output
 *   unwrapped; `Sequential` gets an `InputLayer` from the first layer's `batch_input_shape`;
 * - per layer see {@link toKeras3Layer} (`InstanceNormalization` →
 *   `GroupNormalization(groups=-1)`, `batch_input_shape` → InputLayer `batch_shape`, ...).
 *
 * Activations without a Keras 3 equivalent throw a {@link KerasConversionError}. Layers Keras
 * 3 lacks (tfjs-only or custom classes) are written as they are, and Keras reports them.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import * as tfn from 'tfjs-norm';
 *
 * const model = tf.sequential({
 *   layers: [tf.layers.dense({inputShape: [4], units: 8}), tfn.layers.rmsNormalization()],
 * });
 * const topology = model.toJSON(undefined, false) as tfn.interop.JsonObject;
 * const kerasConfig = tfn.interop.toKeras3ModelConfig(topology);
 * // JSON.stringify(kerasConfig) is what keras.models.model_from_json reads.
 * ```
 */
export function toKeras3ModelConfig(topology: JsonObject): JsonObject {
  const model = isJsonObject(topology.model_config) ? topology.model_config : topology;
  const config = isJsonObject(model.config) ? model.config : {};
  const where = `tfjs model '${config.name ?? '?'}' (${model.class_name})`;

  if (model.class_name === 'Sequential') {
    return toKeras3Sequential(model, where);
  }
  ensure(
    typeof model.class_name === 'string' && FUNCTIONAL_CLASSES.includes(model.class_name),
    where,
    'class_name',
    'Sequential or Model',
    model.class_name,
  );
  return toKeras3Functional(model, where);
}

/**
 * A tfjs `model.json` (as the file on disk: `modelTopology` and `weightsManifest`) rewritten for
 * Keras 3: `modelTopology` becomes `{model_config: <Keras 3 model config>}`, every other field,
 * the weights manifest included, is kept, so the file sits next to the same weight shards.
 * Keras 3 names each weight `<layer name>/<weight name>` (`variable.path`), which is the name in
 * the manifest, so weights can be assigned by name:
 *
 * ```python
 * import json, numpy as np, keras
 * art = json.load(open("keras3_model.json"))
 * model = keras.models.model_from_json(json.dumps(art["modelTopology"]["model_config"]))
 * specs = [w for group in art["weightsManifest"] for w in group["weights"]]
 * data = b"".join(open(p, "rb").read() for g in art["weightsManifest"] for p in g["paths"])
 * values, offset = {}, 0
 * for s in specs:  # float32, unquantized
 *     n = int(np.prod(s["shape"]))
 *     values[s["name"]] = np.frombuffer(data, "<f4", n, offset).reshape(s["shape"])
 *     offset += 4 * n
 * for v in model.weights:
 *     v.assign(values[v.path])
 * ```
 *
 * @example
 * ```ts
 * import * as fs from 'fs';
 * import {interop} from 'tfjs-norm';
 *
 * // model/ holds model.json + weights.bin written by tfjs's model.save.
 * const tfjsJson = JSON.parse(fs.readFileSync('model/model.json', 'utf8'));
 * const kerasJson = interop.toKeras3ModelJson(tfjsJson);
 * fs.writeFileSync('model/keras3_model.json', JSON.stringify(kerasJson));
 * ```
 */
export function toKeras3ModelJson(modelJson: JsonObject): JsonObject {
  ensure(
    isJsonObject(modelJson.modelTopology),
    'tfjs model.json',
    'modelTopology',
    'a Layers model topology',
    modelJson.modelTopology,
  );
  return {
    ...modelJson,
    convertedBy: 'tfjs-norm interop.toKeras3ModelJson',
    modelTopology: {model_config: toKeras3ModelConfig(modelJson.modelTopology)},
  };
}
