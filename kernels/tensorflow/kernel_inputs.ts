/** Checks of the kernel inputs against the contract, with errors that name the kernel. */
import * as tf from '@tensorflow/tfjs';

import {NormView, paramSize, statCount, viewShape, viewSize} from '../../src/core/view.js';

/** An optional kernel input: present unless it is the empty placeholder. */
export function isPresent(t: tf.TensorInfo): boolean {
  return tf.util.sizeFromShape(t.shape) > 0;
}

/**
 * Checks that the data inputs (`x`, `dy`) are float32 and cover the view, that each parameter
 * is empty or holds `paramSize` values and that each statistics input holds `statCount`
 * values.
 *
 * @param kernel - Kernel name, for the error message.
 */
export function checkInputs(
  kernel: string,
  view: NormView,
  data: Record<string, tf.TensorInfo>,
  params: Record<string, tf.TensorInfo>,
  stats: Record<string, tf.TensorInfo>,
): void {
  const fail = (what: string) => {
    throw new Error(`${kernel} (tensorflow): ${what}`);
  };
  for (const [name, t] of Object.entries(data)) {
    if (t.dtype !== 'float32') {
      fail(`input '${name}' must be float32, received ${t.dtype}`);
    }
    if (tf.util.sizeFromShape(t.shape) !== viewSize(view)) {
      fail(`input '${name}' of shape [${t.shape}] does not cover the view [${viewShape(view)}]`);
    }
  }
  const check = (entries: Record<string, tf.TensorInfo>, sizes: number[], what: string) => {
    for (const [name, t] of Object.entries(entries)) {
      if (!sizes.includes(tf.util.sizeFromShape(t.shape))) {
        const expected = sizes.length === 1 ? `hold ${sizes[0]}` : `be empty or hold ${sizes[1]}`;
        fail(`input '${name}' must ${expected} ${what}, received shape [${t.shape}]`);
      }
    }
  };
  check(params, [0, paramSize(view)], 'parameters');
  check(stats, [statCount(view)], 'statistics');
}
