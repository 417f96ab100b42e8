import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import {NORM_BACKWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize, statCount} from '../../src/core/view.js';
import {backwardFinishProgram} from './backward_finish_program.js';
import {
  backwardSumsProgram,
  BackwardTensors,
  partialsLength,
  walkParamPartials,
} from './backward_sums_program.js';
import {newTensor} from './backend_bridge.js';
import {runProgram} from './launch.js';
import {laneStyleOf, planBackward, WORKGROUP_SIZE} from './plans.js';
import {paramCombineProgram, paramPartialsLength} from './param_combine_program.js';
import {rowBlockBackwardProgram, rowBlockPartials} from './row_block_backward_program.js';
import {planRowBlocks} from './row_blocks.js';
import {checkInputs, optional} from './tensor_checks.js';

/**
 * Fused backward normalization on webgpu, always two dispatches:
 * 1. group sums (and `dx` when a workgroup holds whole groups) + parameter partial sums;
 * 2. `dx` from the merged group sums (when chunked) + `dgamma`/`dbeta` from the partials
 *    (unchunked: the partials alone, param_combine_program.ts).
 * Rows on software adapters take two dispatches of row blocks (row_blocks.ts): `dx` with each
 * lane's parameter partial sums, then their total.
 */
const normBackward: KernelFunc = ({inputs, backend, attrs}) => {
  const gpu = backend as WebGPUBackend;
  const a = attrs as unknown as NormAttrs;
  checkInputs(NORM_BACKWARD, a, inputs, ['dy', 'x', 'gamma', 'mean', 'invStd']);
  const x = inputs.x as TensorInfo;
  const style = laneStyleOf(gpu);
  const params = paramSize(a);
  const common = {
    dy: inputs.dy as TensorInfo,
    x,
    gamma: optional(inputs.gamma as TensorInfo),
    mean: inputs.mean as TensorInfo,
    invStd: inputs.invStd as TensorInfo,
    dx: newTensor(gpu, x.shape),
    dgamma: newTensor(gpu, [params]),
    dbeta: newTensor(gpu, [params]),
  };

  const rowBlocks = planRowBlocks(a, style);
  if (rowBlocks !== null) {
    const parameters = rowBlockPartials(a, rowBlocks);
    const t = {...common, partials: newTensor(gpu, [paramPartialsLength(parameters)])};
    runProgram(gpu, rowBlockBackwardProgram(a, rowBlocks, t));
    runProgram(gpu, paramCombineProgram(parameters, WORKGROUP_SIZE, t));
    gpu.disposeData(t.partials.dataId);
    return [t.dx, t.dgamma, t.dbeta];
  }

  const plan = planBackward(a, style);
  const chunked = plan.role === 'partials';
  const parameters = walkParamPartials(a, plan.paramWalk, plan.param);
  const t: BackwardTensors = {
    ...common,
    partials: newTensor(gpu, [
      partialsLength(parameters, chunked ? plan.statsWalk : null, statCount(a)),
    ]),
  };

  runProgram(gpu, backwardSumsProgram(a, plan, plan, WORKGROUP_SIZE, t));
  runProgram(
    gpu,
    chunked
      ? backwardFinishProgram(a, plan, plan, WORKGROUP_SIZE, t)
      : paramCombineProgram(parameters, WORKGROUP_SIZE, t),
  );

  gpu.disposeData(t.partials.dataId);
  return [t.dx, t.dgamma, t.dbeta];
};

/** Registration record of the webgpu backward kernel. */
export const normBackwardConfig: KernelConfig = {
  kernelName: NORM_BACKWARD,
  backendName: 'webgpu',
  kernelFunc: normBackward,
};
