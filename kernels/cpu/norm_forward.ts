import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs';
import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';

import {NORM_FORWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize, reducedSize, statCount} from '../../src/core/view.js';
import {applyAffine, squaredDeviationPerStat, sumPerStat} from './passes.js';
import {paramOrConstant, valuesOf} from './tensor_data.js';

/**
 * Fused forward normalization on the cpu: statistics (two passes in float64), then
 * normalize + affine (one pass). Three reads and one write of `x`; with given statistics one
 * read and one write.
 */
const normForward: KernelFunc = ({inputs, backend, attrs}) => {
  const cpu = backend as MathBackendCPU;
  const a = attrs as unknown as NormAttrs;
  const xInfo = inputs.x as TensorInfo;
  const x = valuesOf(cpu, xInfo);
  const stats = statCount(a);
  const n = reducedSize(a);
  const params = paramSize(a);

  const mean = new Float64Array(stats);
  const invStd = new Float64Array(stats);
  if (a.statsGiven) {
    const givenMean = valuesOf(cpu, inputs.mean as TensorInfo);
    const givenVariance = valuesOf(cpu, inputs.variance as TensorInfo);
    for (let s = 0; s < stats; s++) {
      mean[s] = givenMean[s];
      invStd[s] = 1 / Math.sqrt(givenVariance[s] + a.epsilon);
    }
  } else {
    if (a.centered) {
      sumPerStat(x, a, mean);
      for (let s = 0; s < stats; s++) {
        mean[s] /= n;
      }
    }
    squaredDeviationPerStat(x, a, mean, invStd);
    for (let s = 0; s < stats; s++) {
      invStd[s] = 1 / Math.sqrt(invStd[s] / n + a.epsilon);
    }
  }

  const gamma = paramOrConstant(cpu, inputs.gamma as TensorInfo, params, 1);
  const beta = paramOrConstant(cpu, inputs.beta as TensorInfo, params, 0);
  const y = new Float32Array(x.length);
  applyAffine(x, a, mean, invStd, gamma, beta, y);

  return [
    cpu.makeTensorInfo(xInfo.shape, 'float32', y),
    cpu.makeTensorInfo([stats], 'float32', Float32Array.from(mean)),
    cpu.makeTensorInfo([stats], 'float32', Float32Array.from(invStd)),
  ];
};

/** Registration record of the cpu forward kernel. */
export const normForwardConfig: KernelConfig = {
  kernelName: NORM_FORWARD,
  backendName: 'cpu',
  kernelFunc: normForward,
};
