import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs';
import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';

import {NORM_BACKWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize, reducedSize, statCount} from '../../src/core/view.js';
import {BackwardSums, backwardSums, inputGradient} from './passes.js';
import {paramOrConstant, valuesOf} from './tensor_data.js';

/**
 * Fused backward normalization on the cpu: one pass for the per-group and per-parameter
 * sums, one pass for `dx`.
 */
const normBackward: KernelFunc = ({inputs, backend, attrs}) => {
  const cpu = backend as MathBackendCPU;
  const a = attrs as unknown as NormAttrs;
  const xInfo = inputs.x as TensorInfo;
  const x = valuesOf(cpu, xInfo);
  const dy = valuesOf(cpu, inputs.dy as TensorInfo);
  const mean = valuesOf(cpu, inputs.mean as TensorInfo);
  const invStd = valuesOf(cpu, inputs.invStd as TensorInfo);
  const stats = statCount(a);
  const n = reducedSize(a);
  const params = paramSize(a);
  const gamma = paramOrConstant(cpu, inputs.gamma as TensorInfo, params, 1);

  const sums: BackwardSums = {
    sumG: new Float64Array(stats),
    sumGXhat: new Float64Array(stats),
    dgamma: new Float64Array(params),
    dbeta: new Float64Array(params),
  };
  backwardSums(dy, x, a, mean, invStd, gamma, sums);

  const meanG = new Float64Array(stats);
  const meanGXhat = new Float64Array(stats);
  if (!a.statsGiven) {
    for (let s = 0; s < stats; s++) {
      meanG[s] = a.centered ? sums.sumG[s] / n : 0;
      meanGXhat[s] = sums.sumGXhat[s] / n;
    }
  }
  const dx = new Float32Array(x.length);
  inputGradient(dy, x, a, mean, invStd, gamma, meanG, meanGXhat, dx);

  return [
    cpu.makeTensorInfo(xInfo.shape, 'float32', dx),
    cpu.makeTensorInfo([params], 'float32', Float32Array.from(sums.dgamma)),
    cpu.makeTensorInfo([params], 'float32', Float32Array.from(sums.dbeta)),
  ];
};

/** Registration record of the cpu backward kernel. */
export const normBackwardConfig: KernelConfig = {
  kernelName: NORM_BACKWARD,
  backendName: 'cpu',
  kernelFunc: normBackward,
};
