import * as tf from '@tensorflow/tfjs';
import type {LayerArgs} from '@tensorflow/tfjs-layers/dist/engine/topology';
import type {Kwargs} from '@tensorflow/tfjs-layers/dist/types';

import {resolveAxes} from '../core/axes.js';
import {check, describe} from '../core/errors.js';
import {checkInput} from '../ops/validate.js';

/** Shapes as tfjs-layers hands them to `build`: one shape or a list, `null` for unknown. */
export type InputShape = tf.Shape | tf.Shape[];

/**
 * Common ground of the normalization layers: error context, single-input handling, weight
 * shape checks and the identity output shape.
 */
export abstract class NormalizationLayer extends tf.layers.Layer {
  constructor(args: LayerArgs) {
    super(args);
    this.supportsMasking = true;
  }

  /** `ClassName 'layer_name'`, the prefix of this layer's error messages. */
  protected get where(): string {
    return `${this.getClassName()} '${this.name}'`;
  }

  /** The one input shape a normalization layer accepts. */
  protected singleShape(inputShape: InputShape): tf.Shape {
    const first = inputShape[0];
    return Array.isArray(first) ? (first as tf.Shape) : (inputShape as tf.Shape);
  }

  /** The one input tensor a normalization layer accepts. */
  protected singleInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    check(
      !Array.isArray(inputs) || inputs.length === 1,
      this.where,
      'inputs',
      'exactly one tensor',
      () => `${(inputs as tf.Tensor[]).length} tensors`,
    );
    return x;
  }

  /** Size of an axis that statistics or parameters depend on; it must be known at build. */
  protected definedSize(shape: tf.Shape, axis: number): number {
    const size = shape[axis];
    check(
      size !== null && size !== undefined && size > 0,
      this.where,
      'inputShape',
      `a defined, non-zero size on axis ${axis}`,
      () => describe(shape),
    );
    return size as number;
  }

  /**
   * Checks concrete input tensors (dtype, non-empty) before the base class builds the layer,
   * so bad input leaves the layer unbuilt and allocates nothing.
   */
  override apply(
    inputs: tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[],
    kwargs?: Kwargs,
  ): tf.Tensor | tf.Tensor[] | tf.SymbolicTensor | tf.SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    for (const x of list) {
      if (x instanceof tf.Tensor) {
        checkInput(x, this.where, 1);
      }
    }
    return super.apply(inputs, kwargs);
  }

  /**
   * Resolves a layer/RMS normalization `axis` argument at build: the sorted non-negative axes
   * and the parameter shape (the sizes of those axes, which must be known).
   */
  protected normalizedAxes(
    axis: number | number[],
    shape: tf.Shape,
  ): {axes: number[]; paramShape: number[]} {
    const axes = resolveAxes(axis, shape.length, this.where);
    return {axes, paramShape: axes.map((a) => this.definedSize(shape, a))};
  }

  override computeOutputShape(inputShape: InputShape): InputShape {
    return inputShape;
  }

  /** Like the base method, with an error naming the layer and weight on a shape mismatch. */
  override setWeights(weights: tf.Tensor[]): void {
    const own = this.weights;
    check(
      weights.length === own.length,
      this.where,
      'weights',
      `${own.length} tensors (${own.map((w) => w.originalName).join(', ')})`,
      () => `${weights.length} tensors`,
    );
    own.forEach((w, i) => {
      check(
        tf.util.arraysEqual(w.shape as number[], weights[i].shape),
        this.where,
        `weights[${i}] (${w.originalName})`,
        `shape ${describe(w.shape)}`,
        () => `shape ${describe(weights[i].shape)}`,
      );
    });
    super.setWeights(weights);
  }
}
