import type {KernelConfig, KernelFunc, TensorInfo} from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import {NORM_FORWARD, NormAttrs} from '../../src/core/kernel_contract.js';
import {statCount} from '../../src/core/view.js';
import {applyProgram} from './apply_program.js';
import {newTensor} from './backend_bridge.js';
import {runProgram} from './launch.js';
import {laneStyleOf, planForward, WORKGROUP_SIZE} from './plans.js';
import {rowBlockForwardProgram} from './row_block_forward_program.js';
import {planRowBlocks} from './row_blocks.js';
import {statsProgram} from './stats_program.js';
import {checkInputs, optional} from './tensor_checks.js';

/**
 * Fused forward normalization on webgpu: statistics, normalize and affine, writing `y`, `mean`
 * and `invStd` in one dispatch (groups that fit a workgroup, or given statistics) or two
 * (partial statistics per chunk, then merge + apply). Reads `x` once when a lane's elements fit
 * its registers, else twice; writes `y` once. Rows on software adapters take one dispatch of
 * row blocks (row_blocks.ts).
 */
const normForward: KernelFunc = ({inputs, backend, attrs}) => {
  const gpu = backend as WebGPUBackend;
  const a = attrs as unknown as NormAttrs;
  checkInputs(NORM_FORWARD, a, inputs, ['x', 'gamma', 'beta', 'mean', 'variance']);
  const x = inputs.x as TensorInfo;
  const style = laneStyleOf(gpu);
  const stats = statCount(a);

  const y = newTensor(gpu, x.shape);
  const mean = newTensor(gpu, [stats]);
  const invStd = newTensor(gpu, [stats]);
  const tensors = {
    x,
    gamma: optional(inputs.gamma as TensorInfo),
    beta: optional(inputs.beta as TensorInfo),
    givenMean: inputs.mean as TensorInfo,
    givenVariance: inputs.variance as TensorInfo,
    y,
    mean,
    invStd,
  };

  const rowBlocks = planRowBlocks(a, style);
  if (rowBlocks !== null) {
    runProgram(gpu, rowBlockForwardProgram(a, rowBlocks, tensors));
    return [y, mean, invStd];
  }

  const plan = planForward(a, style);
  const {walk, vector} = plan;
  if (plan.source !== 'partials') {
    runProgram(gpu, applyProgram(a, plan, WORKGROUP_SIZE, tensors));
    return [y, mean, invStd];
  }

  const partials = newTensor(gpu, [stats * walk.chunks * 3]);
  runProgram(gpu, statsProgram(a, walk, vector, WORKGROUP_SIZE, x, partials));
  runProgram(gpu, applyProgram(a, plan, WORKGROUP_SIZE, {...tensors, partials}));
  gpu.disposeData(partials.dataId);
  return [y, mean, invStd];
};

/** Registration record of the webgpu forward kernel. */
export const normForwardConfig: KernelConfig = {
  kernelName: NORM_FORWARD,
  backendName: 'webgpu',
  kernelFunc: normForward,
};
