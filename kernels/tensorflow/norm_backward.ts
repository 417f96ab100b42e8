import * as tf from '@tensorflow/tfjs';

import {NORM_BACKWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {chainGradients, RawBackwardInputs} from './backward_chain.js';
import {useFusedGradient} from './batch_norm_layout.js';
import {CompactView} from './compact_view.js';
import {fusedGradients} from './fused_batch_norm.js';
import {checkInputs} from './kernel_inputs.js';
import {NativeBackend, NativeOps} from './native_ops.js';

/**
 * Fused backward normalization on tfjs-node: `FusedBatchNormGradV3` for batch normalization
 * (one native call for all three gradients) and for large views with a batch-norm layout,
 * else element-wise native ops and reductions in stages.
 */
const normBackward: tf.KernelFunc = ({inputs, backend, attrs}) => {
  const a = attrs as unknown as NormAttrs;
  const x = inputs.x as tf.Tensor;
  const gamma = inputs.gamma as tf.Tensor;
  const mean = inputs.mean as tf.Tensor;
  const invStd = inputs.invStd as tf.Tensor;
  const dy = inputs.dy as tf.Tensor;
  checkInputs(NORM_BACKWARD, a, {dy, x}, {gamma}, {mean, invStd});
  const ops = new NativeOps(backend as unknown as NativeBackend, NORM_BACKWARD);

  return tf.tidy(() => {
    const compact = new CompactView(ops, a);
    const raw: RawBackwardInputs = {dy, x, gamma, mean, invStd};
    const [dx, dgamma, dbeta] = useFusedGradient(a, ops.onGpu)
      ? fusedGradients(ops, compact, raw, a)
      : chainGradients(ops, compact, raw, a);
    return [ops.reshape(dx, x.shape), dgamma, dbeta];
  });
};

/** Registration record of the tensorflow backward kernel. */
export const normBackwardConfig: tf.KernelConfig = {
  kernelName: NORM_BACKWARD,
  backendName: 'tensorflow',
  kernelFunc: normBackward,
};
