import type {TensorInfo} from '@tensorflow/tfjs';

import {PARAM_COMBINE_WGSL} from './backward_wgsl.js';
import type {NormProgram, UniformField} from './launch.js';

/**
 * Where the parameter partial sums lie at the start of `partials`, in scalars: `chunks` rows of
 * `segments` dgamma parts, then as many dbeta parts; parameter `p` sums its `segmentsPerParam`
 * segments, `segmentStride` apart, in every chunk (see `PARAM_COMBINE_WGSL`).
 */
export interface ParamPartials {
  paramSize: number;
  segments: number;
  chunks: number;
  segmentsPerParam: number;
  segmentStride: number;
}

/** Scalars the parameter partial sums take: a dgamma and a dbeta part per segment and chunk. */
export function paramPartialsLength(p: ParamPartials): number {
  return 2 * p.segments * p.chunks;
}

/** The uniforms `PARAM_COMBINE_WGSL` reads. */
export function paramCombineUniforms(p: ParamPartials): UniformField[] {
  return [
    {name: 'paramSize', type: 'u32', value: p.paramSize},
    {name: 'paramSegmentsTotal', type: 'u32', value: p.segments},
    {name: 'paramChunks', type: 'u32', value: p.chunks},
    {name: 'paramSegmentsPerParam', type: 'u32', value: p.segmentsPerParam},
    {name: 'paramSegmentStride', type: 'u32', value: p.segmentStride},
  ];
}

/**
 * The last backward dispatch when `dx` is already written: sums the parameter partials into
 * `dgamma` and `dbeta`, one invocation per parameter.
 *
 * Shader key: `tfnNormParamCombine_wg<workgroup size>`.
 */
export function paramCombineProgram(
  partialsLayout: ParamPartials,
  workgroupSize: number,
  t: {partials: TensorInfo; dgamma: TensorInfo; dbeta: TensorInfo},
): NormProgram {
  return {
    name: 'TfnNormParamCombineProgram',
    shaderKey: `tfnNormParamCombine_wg${workgroupSize}`,
    workgroupSize,
    workgroupCount: Math.ceil(partialsLayout.paramSize / workgroupSize),
    outputs: [
      {name: 'dgamma', tensor: t.dgamma},
      {name: 'dbeta', tensor: t.dbeta},
    ],
    inputs: [{name: 'partials', tensor: t.partials}],
    uniforms: paramCombineUniforms(partialsLayout),
    getUserCode: () => `
${PARAM_COMBINE_WGSL}

fn run(tile : u32, local : u32) {
  paramCombine(tile, local);
}
`,
  };
}
