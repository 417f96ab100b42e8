import type {NamedTensorInfoMap, TensorInfo} from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize, statCount, viewSize} from '../../src/core/view.js';

function sizeOf(t: TensorInfo): number {
  return t.shape.reduce((acc, d) => acc * d, 1);
}

/** `t`, or `null` for an absent optional input (an empty tensor). */
export function optional(t: TensorInfo): TensorInfo | null {
  return sizeOf(t) === 0 ? null : t;
}

/**
 * Checks the inputs a kernel receives against the contract (src/core/kernel_contract.ts):
 * all float32; `x`/`dy` cover the view; `gamma`/`beta` empty or `paramSize`; statistics inputs
 * `statCount` (the given `mean`/`variance` only when `statsGiven`). Throws an error naming the
 * kernel and the input.
 */
export function checkInputs(
  kernel: string,
  attrs: NormAttrs,
  inputs: NamedTensorInfoMap,
  names: string[],
): void {
  const fail = (what: string) => {
    throw new Error(`${kernel} (webgpu): ${what}`);
  };
  const expected: Record<string, number | 'optional'> = {
    x: viewSize(attrs),
    dy: viewSize(attrs),
    gamma: 'optional',
    beta: 'optional',
    mean: attrs.statsGiven || names.includes('dy') ? statCount(attrs) : 'optional',
    variance: attrs.statsGiven ? statCount(attrs) : 'optional',
    invStd: statCount(attrs),
  };

  for (const name of names) {
    const t = inputs[name];
    if (t === undefined) {
      fail(`input '${name}' is missing`);
      return;
    }
    if (t.dtype !== 'float32') {
      fail(`input '${name}' has dtype ${t.dtype}, expected float32`);
    }
    const size = sizeOf(t);
    const want = expected[name];
    if (want === 'optional') {
      const params = name === 'gamma' || name === 'beta' ? paramSize(attrs) : statCount(attrs);
      if (size !== 0 && size !== params) {
        fail(`input '${name}' has ${size} elements, expected 0 or ${params}`);
      }
    } else if (size !== want) {
      fail(`input '${name}' has ${size} elements, expected ${want}`);
    }
  }
  if (viewSize(attrs) === 0) {
    fail('the view is empty');
  }
}
