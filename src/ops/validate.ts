import * as tf from '@tensorflow/tfjs';

import {check, describe} from '../core/errors.js';

/**
 * Checks the input of a normalization: a float32 tensor of at least `minRank` dimensions and
 * at least one element.
 */
export function checkInput(x: tf.Tensor, where: string, minRank: number): void {
  check(x instanceof tf.Tensor, where, 'x', 'a tf.Tensor', () => typeof x);
  check(x.dtype === 'float32', where, 'x', 'a float32 tensor', () => `dtype ${x.dtype}`);
  check(
    x.rank >= minRank,
    where,
    'x',
    `a tensor of rank ${minRank} or more`,
    () => `rank ${x.rank} (shape ${describe(x.shape)})`,
  );
  check(
    x.size > 0,
    where,
    'x',
    'a non-empty tensor (every dimension, batch included, at least 1)',
    () => `shape ${describe(x.shape)}`,
  );
}

/** Checks that epsilon is a finite number greater than zero. */
export function checkEpsilon(epsilon: number, where: string): void {
  check(
    typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0,
    where,
    'epsilon',
    'a finite number > 0',
    () => describe(epsilon),
  );
}

/**
 * Checks an optional parameter or statistics tensor against its expected shape and returns it
 * flattened for the kernels (the reshape is recorded, so gradients keep the original shape).
 */
export function flatParam(
  param: tf.Tensor | undefined,
  name: string,
  expectedShape: number[],
  where: string,
): tf.Tensor1D | undefined {
  if (param === undefined || param === null) {
    return undefined;
  }
  check(param instanceof tf.Tensor, where, name, 'a tf.Tensor', () => typeof param);
  check(param.dtype === 'float32', where, name, 'a float32 tensor', () => `dtype ${param.dtype}`);
  check(
    tf.util.arraysEqual(param.shape, expectedShape),
    where,
    name,
    `shape ${describe(expectedShape)}`,
    () => `shape ${describe(param.shape)}`,
  );
  return param.rank === 1 ? (param as tf.Tensor1D) : tf.reshape(param, [-1]);
}
