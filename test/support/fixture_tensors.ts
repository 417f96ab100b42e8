/** Tensors as the fixture files store them, and checks against them. */
import * as tf from '@tensorflow/tfjs';

import type {Tolerance} from './backends';
import {expectClose} from './compare';

/** A tensor in a fixture file: shape and flat row-major values. */
export interface TensorJson {
  shape: number[];
  data: number[];
}

/** The tfjs tensor of a fixture tensor (the caller disposes it). */
export function tensorOf(t: TensorJson): tf.Tensor {
  return tf.tensor(t.data, t.shape);
}

/** A layer weight's name without its layer prefix, e.g. `gamma`. */
export function shortName(variable: {originalName: string}): string {
  return variable.originalName.split('/').pop()!;
}

/** Asserts `actual` has the fixture's shape and values within `tolerance`. */
export async function expectTensor(
  actual: tf.Tensor,
  expected: TensorJson,
  tolerance: Tolerance,
  label: string,
): Promise<void> {
  expect(actual.shape).toEqual(expected.shape);
  expectClose(await actual.data(), expected.data, tolerance, label);
}
