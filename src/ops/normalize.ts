import * as tf from '@tensorflow/tfjs';

import {NORM_FORWARD, NormAttrs} from '../core/kernel_contract.js';
import type {PlannedView} from '../core/view_builders.js';
import {FORCE_COMPOSITE_FLAG} from '../flags.js';
import {compositeNormalize, NormInputs, NormOutputs} from './composite.js';

/** Scalars and switches of one normalization call. */
export interface NormSettings {
  epsilon: number;
  centered: boolean;
}

/** Whether the active backend has this package's fused kernels (and they are not disabled). */
export function fusedKernelsActive(): boolean {
  if (tf.env().getBool(FORCE_COMPOSITE_FLAG)) {
    return false;
  }
  return tf.getKernel(NORM_FORWARD, tf.getBackend()) !== undefined;
}

function runFused(inputs: NormInputs, attrs: NormAttrs): NormOutputs {
  const empty = tf.tensor1d([], 'float32');
  const kernelInputs = {
    x: inputs.x,
    gamma: inputs.gamma ?? empty,
    beta: inputs.beta ?? empty,
    mean: inputs.mean ?? empty,
    variance: inputs.variance ?? empty,
  };
  const [y, mean, invStd] = tf
    .engine()
    .runKernel(NORM_FORWARD, kernelInputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return {y, mean: mean as tf.Tensor1D, invStd: invStd as tf.Tensor1D};
}

/**
 * Runs one normalization described by `plan`: the fused kernel of the active backend when it
 * has one, else the composite fallback. Parameters and statistics must already be flat and
 * validated. Returns the output in the input's layout and the flat statistics.
 */
export function normalize(
  inputs: NormInputs,
  plan: PlannedView,
  settings: NormSettings,
): NormOutputs {
  return tf.tidy(() => {
    const statsGiven = inputs.mean !== undefined;
    const attrs: NormAttrs = {...plan.view, ...settings, statsGiven};
    const permutation = plan.permutation;
    const x = permutation === null ? inputs.x : tf.transpose(inputs.x, permutation);
    const viewInputs = {...inputs, x};

    const out = fusedKernelsActive()
      ? runFused(viewInputs, attrs)
      : compositeNormalize(viewInputs, attrs);

    if (permutation === null) {
      return out;
    }
    const inverse = permutation.map((_, i) => permutation.indexOf(i));
    return {...out, y: tf.transpose(out.y, inverse)};
  });
}
