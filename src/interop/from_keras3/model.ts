/**
 * Keras 3 → tfjs: whole model configs (Functional and Sequential), the `modelTopology` wrapper
 * of a `model.json`, and in-memory model artifacts. Pure functions over JSON.
 */
import type * as tf from '@tensorflow/tfjs';

import {ensure} from '../errors.js';
import {isJsonObject, isSerializedObject, JsonObject, JsonValue, withoutKeys} from '../json.js';
import {convertLayerConfig} from './layer_config.js';
import {convertInboundNodes, convertTensorList} from './nodes.js';

const FUNCTIONAL_CLASSES = ['Functional', 'Model'];
const MODEL_CLASSES = [...FUNCTIONAL_CLASSES, 'Sequential'];

function layerWhere(entry: JsonObject, index: number): string {
  const config = isJsonObject(entry.config) ? entry.config : {};
  const name = entry.name ?? config.name ?? `#${index}`;
  return `Keras 3 layer '${name}' (${entry.class_name})`;
}

/**
 * One entry of a model's `layers`: `{class_name, config}` plus, in a functional model, the
 * layer `name` and its `inbound_nodes`; `module`, `registered_name`, `build_config` dropped.
 */
function convertLayerEntry(
  entry: JsonValue,
  modelWhere: string,
  index: number,
  functional: boolean,
): JsonObject {
  ensure(isSerializedObject(entry), modelWhere, `layers[${index}]`, 'a layer entry', entry);
  const where = layerWhere(entry, index);
  ensure(
    !MODEL_CLASSES.includes(entry.class_name),
    where,
    'class_name',
    'a layer (nested models are not supported: flatten them into one model)',
    entry.class_name,
  );
  ensure(isJsonObject(entry.config), where, 'config', 'an object', entry.config);

  const converted: JsonObject = {
    class_name: entry.class_name,
    config: convertLayerConfig(entry.class_name, entry.config, where),
  };
  if (functional) {
    converted.name = entry.name ?? entry.config.name;
    converted.inbound_nodes = convertInboundNodes(entry.inbound_nodes, where);
  }
  return converted;
}

function layerList(config: JsonObject, where: string): JsonValue[] {
  ensure(Array.isArray(config.layers), where, 'config.layers', 'a list of layers', config.layers);
  return config.layers;
}

function convertFunctional(config: JsonObject, where: string): JsonObject {
  const layers = layerList(config, where).map((entry, i) =>
    convertLayerEntry(entry, where, i, true),
  );

  return {
    class_name: 'Model',
    config: {
      name: config.name ?? 'model',
      layers,
      input_layers: convertTensorList(config.input_layers, where, 'config.input_layers'),
      output_layers: convertTensorList(config.output_layers, where, 'config.output_layers'),
    },
  };
}

/**
 * tfjs's Sequential takes its input shape from the first layer's `batch_input_shape`: a Keras 3
 * `InputLayer` in first place (or the model's `build_input_shape`) becomes that.
 */
function withInputShape(layers: JsonObject[], config: JsonObject, where: string): JsonObject[] {
  const [first, ...rest] = layers;
  const input = first?.class_name === 'InputLayer' ? (first.config as JsonObject) : undefined;
  const body = input === undefined ? layers : rest;
  ensure(body.length > 0, where, 'config.layers', 'at least one layer besides the input', layers);

  const head = body[0].config as JsonObject;
  const shape = input?.batch_input_shape ?? head.batch_input_shape ?? config.build_input_shape;
  ensure(
    Array.isArray(shape),
    where,
    'config.layers[0]',
    'an InputLayer, a batch_input_shape on the first layer, or build_input_shape',
    shape ?? null,
  );
  const dtype = input?.dtype ?? head.dtype;
  const headConfig = {...head, batch_input_shape: shape, ...(dtype ? {dtype} : {})};

  return [{...body[0], config: headConfig}, ...body.slice(1)];
}

function convertSequential(config: JsonObject, where: string): JsonObject {
  const entries = layerList(config, where).map((entry, i) =>
    convertLayerEntry(entry, where, i, false),
  );
  const layers = withInputShape(entries, config, where);

  return {class_name: 'Sequential', config: {name: config.name ?? 'sequential', layers}};
}

/**
 * A Keras 3 model config (`model.to_json()` parsed, or `model_config` of a Keras `model.json`)
 * in the tfjs Layers dialect that `tf.models.modelFromJSON` and `tf.loadLayersModel` read:
 *
 * - `Functional` → `Model`; `module`, `registered_name`, `build_config`, `compile_config` and
 *   `shared_object_id` dropped everywhere;
 * - flat `input_layers` / `output_layers` (`['input_layer', 0, 0]`) → nested;
 * - Keras 3 `inbound_nodes` (`{args: [keras tensors], kwargs}`) → `[[layer, node, tensor,
 *   kwargs], ...]`;
 * - Sequential: a leading `InputLayer` becomes the first layer's `batch_input_shape`;
 * - per layer: `InputLayer` `batch_shape` → `batch_input_shape`; dtype policies → dtype
 *   strings; initializers, regularizers and constraints without their Keras 3 keys (`L1`/`L2`
 *   → `L1L2`, `LecunNormal` → `LeCunNormal`); activation names checked (`silu` → `swish`);
 *   Keras-only keys (`quantization_config`, `lora_rank`, Conv `groups`, ReLU
 *   `negative_slope`/`threshold`, pooling `keepdims`, InputLayer `sparse`/`ragged`/`optional`,
 *   ...) dropped when they hold the value tfjs behaves as; LeakyReLU `negative_slope` → `alpha`.
 *
 * Anything tfjs would compute differently throws a {@link KerasConversionError} naming the
 * layer and key.
 *
 * @example
 * ```ts
 * import * as fs from 'fs';
 * import * as tf from '@tensorflow/tfjs';
 * import {interop} from 'tfjs-norm';
 *
 * const json = JSON.parse(fs.readFileSync('cnn/model.json', 'utf8'));
 * const topology = interop.keras3ModelConfigToTfjs(json.modelTopology.model_config);
 * // The architecture only, freshly initialized; loadKeras3Model also loads the weights.
 * const model = await tf.models.modelFromJSON({modelTopology: topology});
 * ```
 */
export function keras3ModelConfigToTfjs(model: JsonObject): JsonObject {
  const config = isJsonObject(model.config) ? model.config : {};
  const where = `Keras 3 model '${config.name ?? '?'}' (${model.class_name})`;
  ensure(
    typeof model.class_name === 'string' && MODEL_CLASSES.includes(model.class_name),
    where,
    'class_name',
    MODEL_CLASSES.join(', '),
    model.class_name,
  );
  ensure(isJsonObject(model.config), where, 'config', 'an object', model.config);

  if (model.class_name === 'Sequential') {
    return convertSequential(config, where);
  }
  return convertFunctional(config, where);
}

/**
 * A `model.json` `modelTopology` from Keras 3 in the tfjs dialect: either the wrapper
 * `{keras_version, backend, model_config}` (its `model_config` converted, the rest kept) or a
 * bare model config (see {@link keras3ModelConfigToTfjs}).
 *
 * @example
 * ```ts
 * import * as fs from 'fs';
 * import {interop} from 'tfjs-norm';
 *
 * const json = JSON.parse(fs.readFileSync('cnn/model.json', 'utf8'));
 * const tfjsJson = {...json, modelTopology: interop.keras3TopologyToTfjs(json.modelTopology)};
 * fs.writeFileSync('cnn/model.tfjs.json', JSON.stringify(tfjsJson));
 * ```
 */
export function keras3TopologyToTfjs(topology: JsonObject): JsonObject {
  if (isJsonObject(topology.model_config)) {
    const rest = withoutKeys(topology, ['model_config']);
    return {...rest, model_config: keras3ModelConfigToTfjs(topology.model_config)};
  }
  return keras3ModelConfigToTfjs(topology);
}

/**
 * Model artifacts (as an IOHandler loads them) with a Keras 3 topology, rewritten for
 * `tf.loadLayersModel`. Weights are untouched: Keras 3 weight names (`conv2d/kernel`) are the
 * names tfjs gives the same layers' weights, so they load by name as usual.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs';
 * import {interop} from 'tfjs-norm';
 *
 * const artifacts = await tf.io.http('https://example.com/cnn/model.json').load();
 * const converted = interop.fromKeras3Artifacts(artifacts);
 * const model = await tf.loadLayersModel(tf.io.fromMemory(converted));
 * ```
 */
export function fromKeras3Artifacts(artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  const topology = artifacts.modelTopology;
  ensure(
    isJsonObject(topology),
    'Keras 3 model artifacts',
    'modelTopology',
    'a JSON model topology (not a GraphDef)',
    topology === undefined ? undefined : '<binary>',
  );
  return {...artifacts, modelTopology: keras3TopologyToTfjs(topology)};
}
