/**
 * Keras 3 → tfjs: the graph connections of a functional model — each layer's `inbound_nodes`
 * and the model's `input_layers` / `output_layers`.
 */
import {ensure} from '../errors.js';
import {isJsonObject, isSerializedObject, JsonObject, JsonValue} from '../json.js';

/** `[layer name, node index, tensor index]`, a tensor's place in the graph. */
export type TensorRef = [string, number, number];

const KERAS_TENSOR = '__keras_tensor__';

function isTensorRef(value: JsonValue): value is TensorRef {
  return (
    Array.isArray(value) &&
    value.length === 3 &&
    typeof value[0] === 'string' &&
    Number.isInteger(value[1]) &&
    Number.isInteger(value[2])
  );
}

function isKerasTensor(value: JsonValue): value is JsonObject & {config: JsonObject} {
  return isSerializedObject(value) && value.class_name === KERAS_TENSOR;
}

function containsKerasTensor(value: JsonValue): boolean {
  if (Array.isArray(value)) {
    return value.some(containsKerasTensor);
  }
  return (
    isKerasTensor(value) || (isJsonObject(value) && Object.values(value).some(containsKerasTensor))
  );
}

/** The tensors of one call argument: a Keras tensor, or a (nested) list of them. */
function argumentTensors(arg: JsonValue, where: string, key: string): TensorRef[] {
  if (Array.isArray(arg)) {
    return arg.flatMap((item, i) => argumentTensors(item, where, `${key}[${i}]`));
  }
  const history = isKerasTensor(arg) ? arg.config.keras_history : undefined;
  ensure(
    history !== undefined && isTensorRef(history),
    where,
    key,
    'a Keras tensor with keras_history [layer, node, tensor] (tfjs layers take only tensors)',
    arg,
  );
  return [history];
}

/** The call's keyword arguments: unset ones dropped; tensors in them are not supported. */
function callKwargs(kwargs: JsonValue | undefined, where: string, key: string): JsonObject {
  const kept: JsonObject = {};
  for (const [name, value] of Object.entries(isJsonObject(kwargs) ? kwargs : {})) {
    ensure(
      !containsKerasTensor(value),
      where,
      `${key}.${name}`,
      'a plain value (tfjs cannot pass tensors as keyword arguments, e.g. masks)',
      value,
    );
    if (value !== null) {
      kept[name] = value;
    }
  }
  return kept;
}

/**
 * One inbound node in tfjs form. Keras 3 writes `{args: [...], kwargs: {...}}` with Keras
 * tensors `{class_name: '__keras_tensor__', config: {keras_history: [layer, node, tensor]}}`;
 * tfjs wants `[[layer, node, tensor, kwargs], ...]`, one entry per input tensor. A node that
 * is already a list (the Keras 2 / tfjs form) is kept.
 */
function convertInboundNode(node: JsonValue, where: string, key: string): JsonValue {
  if (Array.isArray(node)) {
    return node;
  }
  ensure(
    isJsonObject(node) && Array.isArray(node.args),
    where,
    key,
    'a Keras 3 node {args, kwargs} or a tfjs node list',
    node,
  );
  const tensors = node.args.flatMap((arg, i) => argumentTensors(arg, where, `${key}.args[${i}]`));
  const kwargs = callKwargs(node.kwargs, where, `${key}.kwargs`);
  ensure(tensors.length > 0, where, `${key}.args`, 'at least one input tensor', node.args);

  return tensors.map((ref) => [...ref, kwargs]);
}

/**
 * A layer's `inbound_nodes` in tfjs form (see {@link convertInboundNode}).
 *
 * @param where - The layer, for error messages.
 */
export function convertInboundNodes(nodes: JsonValue | undefined, where: string): JsonValue[] {
  ensure(Array.isArray(nodes), where, 'inbound_nodes', 'a list of nodes', nodes);
  return nodes.map((node, i) => convertInboundNode(node, where, `inbound_nodes[${i}]`));
}

/**
 * A model's `input_layers` or `output_layers` as the list of `[layer, node, tensor]` tfjs
 * wants. Keras 3 writes a single entry flat (`['input_layer', 0, 0]`); dict-structured inputs
 * or outputs have no tfjs equivalent.
 *
 * @param where - The model, for error messages.
 * @param key - `'input_layers'` or `'output_layers'`.
 */
export function convertTensorList(value: JsonValue | undefined, where: string, key: string) {
  if (value !== undefined && isTensorRef(value)) {
    return [value];
  }
  ensure(
    Array.isArray(value) && value.length > 0 && value.every(isTensorRef),
    where,
    key,
    'a [layer, node, tensor] entry or a list of them (tfjs models take tensor lists)',
    value,
  );
  return value;
}
