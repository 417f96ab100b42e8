import * as tf from '@tensorflow/tfjs';

import {NORM_FORWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {affineOutput} from './affine_output.js';
import {useFusedInference, useFusedTraining} from './batch_norm_layout.js';
import {CompactView} from './compact_view.js';
import {forwardStatistics} from './forward_statistics.js';
import {fusedInference, fusedTraining} from './fused_batch_norm.js';
import {checkInputs, isPresent} from './kernel_inputs.js';
import {NativeBackend, NativeOps} from './native_ops.js';

/**
 * Fused forward normalization on tfjs-node. Batch normalization runs on `FusedBatchNormV3`
 * (training: on data centered by its mean; inference: directly; see batch_norm_layout.ts for
 * the sizes); every other view takes its statistics from native reductions in stages and its
 * output from two to four element-wise native ops (15 native calls for layer normalization,
 * whatever the size).
 */
const normForward: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const a = attrs as unknown as NormAttrs;
  const x = inputs.x as tf.Tensor;
  const gamma = inputs.gamma as tf.Tensor;
  const beta = inputs.beta as tf.Tensor;
  const mean = inputs.mean as tf.Tensor;
  const variance = inputs.variance as tf.Tensor;
  const given = a.statsGiven ? {mean, variance} : null;
  checkInputs(NORM_FORWARD, a, {x}, {gamma, beta}, given ?? {});
  const ops = new NativeOps(backend as unknown as NativeBackend, NORM_FORWARD);

  return tf.tidy(() => {
    const compact = new CompactView(ops, a);
    if (useFusedTraining(a) || useFusedInference(a)) {
      const out = a.statsGiven
        ? fusedInference(ops, x, {gamma, beta, mean, variance}, a)
        : fusedTraining(ops, compact, compact.data(x), {gamma, beta}, a);
      return [ops.reshape(out.y, x.shape), out.mean, out.invStd];
    }

    const mode = compact.scaleIsSmall() ? 'keepResidual' : 'subtractResidual';
    const stats = forwardStatistics(ops, compact, compact.data(x), a, given, mode);
    const affine = {
      gamma: isPresent(gamma) ? compact.param(gamma) : null,
      beta: isPresent(beta) ? compact.param(beta) : null,
    };
    const y = affineOutput(ops, compact, stats, affine, given === null);
    const savedMean = given === null ? compact.flatStat(stats.mean) : ops.unary('Identity', mean);
    return [ops.reshape(y, x.shape), savedMean, compact.flatStat(stats.invStd)];
  });
};

/** Registration record of the tensorflow forward kernel. */
export const normForwardConfig: tf.KernelConfig = {
  kernelName: NORM_FORWARD,
  backendName: 'tensorflow',
  kernelFunc: normForward,
};
