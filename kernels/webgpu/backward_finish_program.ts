import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize} from '../../src/core/view.js';
import {
  BackwardTensors,
  BackwardVectors,
  gradientInputs,
  groupPartialsOffset,
} from './backward_sums_program.js';
import {
  GROUP_GRADIENT_WGSL,
  GROUP_RECORD_WGSL,
  groupStatsFromPartials,
  PARAM_COMBINE_WGSL,
  WRITE_INPUT_GRADIENT_WGSL,
} from './backward_wgsl.js';
import type {NormProgram, ProgramBuffer} from './launch.js';
import {BackwardPlan, sharesSegments} from './plans.js';
import {
  dataType,
  loadT,
  paramAccessors,
  SCALAR_ELEMENTS,
  Vectorization,
  vectorKey,
  vectorPrelude,
} from './vector_wgsl.js';
import {VIEW_WGSL, viewUniforms} from './view_wgsl.js';
import {parameterSegmentsPerParam, walkFromUniforms, walkUniforms, walkWorkgroups} from './walk.js';
import {treeReduction, WALK_WGSL} from './walk_wgsl.js';

function inputGradientRole(v: Vectorization): string {
  const sums = (offset: number) =>
    loadT(v, (i) => `partials[groupRecord(${i}) + ${offset}u + 2u * k]`, 'first');
  return `
fn inputGradientRole(tile : u32, local : u32) {
  let walk = statsWalk();
  let lane = laneOf(walk, tile, local);
  loadLaneParams(lane);
  let gs = groupStatsOf(lane);

  var acc = PairSum(T(0.0), T(0.0));
  if (lane.live) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    for (var k = lane.index; k < walk.chunks; k += lane.count) {
      acc = PairSum(acc.first + ${sums(2)}, acc.second + ${sums(3)});
    }
  }
  let terms = gradientTerms(reducePairSum(walk, lane, local, acc));
  writeInputGradient(walk, lane, gs, terms, firstElement(walk, lane));
}
`;
}

/**
 * Second backward dispatch. With `withInputGradient`, its workgroups `[0, statsWorkgroups)`
 * merge the chunk sums of their groups (lanes, then workgroup memory) and write `dx` over their
 * chunk, reading each group's `mean` and `invStd` from its record in `partials`; the
 * following `ceil(paramSize / workgroup size)` workgroups combine the parameter partials into
 * `dgamma` and `dbeta` (one invocation per parameter).
 *
 * Shader key: `tfnNormBackwardFinish_dx<0|1>_wg<workgroup size>_r<lanes share segments 0|1>
 * _g<0|1>_l<parameters per lane 0|1>_<stats vectorization>`.
 */
export function backwardFinishProgram(
  attrs: NormAttrs,
  plan: BackwardPlan,
  vectors: BackwardVectors,
  workgroupSize: number,
  t: BackwardTensors,
): NormProgram {
  const {statsWalk, paramWalk} = plan;
  const withInputGradient = plan.role === 'partials';
  const statsWorkgroups = withInputGradient ? walkWorkgroups(statsWalk) : 0;
  const params = paramSize(attrs);
  const vector = withInputGradient ? vectors.stats : SCALAR_ELEMENTS;
  const outputs: ProgramBuffer[] = [
    {name: 'dgamma', tensor: t.dgamma},
    {name: 'dbeta', tensor: t.dbeta},
  ];
  const inputs: ProgramBuffer[] = [{name: 'partials', tensor: t.partials}];
  if (withInputGradient) {
    outputs.unshift({name: 'dx', tensor: t.dx, type: dataType(vector)});
    inputs.push(...gradientInputs(t, vector));
  }
  const hasGamma = withInputGradient && t.gamma !== null;
  const shared = withInputGradient && sharesSegments(statsWalk);
  const dxCode = withInputGradient
    ? `${paramAccessors(vector, hasGamma, false, vectors.perLane)}
${GROUP_GRADIENT_WGSL}
${groupStatsFromPartials(vector)}
${WRITE_INPUT_GRADIENT_WGSL}
${inputGradientRole(vector)}`
    : '';
  const dxCall = withInputGradient
    ? `if (tile < uniforms.statsWorkgroups) {
    inputGradientRole(tile, local);
    return;
  }`
    : '';
  const paramSegments = paramWalk.segments * (vectors.param.kind === 'segments' ? 4 : 1);
  const flags = [`r${shared ? 1 : 0}`, `g${hasGamma ? 1 : 0}`, vectorKey(vector)].join('_');

  return {
    name: 'TfnNormBackwardFinishProgram',
    shaderKey: `tfnNormBackwardFinish_dx${withInputGradient ? 1 : 0}_wg${workgroupSize}_${flags}`,
    workgroupSize,
    workgroupCount: statsWorkgroups + Math.ceil(params / workgroupSize),
    outputs,
    inputs,
    uniforms: [
      ...viewUniforms(attrs),
      ...walkUniforms('stats', statsWalk),
      {name: 'statsWorkgroups', type: 'u32', value: statsWorkgroups},
      {name: 'paramSize', type: 'u32', value: params},
      {name: 'paramSegmentsTotal', type: 'u32', value: paramSegments},
      {name: 'paramChunks', type: 'u32', value: paramWalk.chunks},
      {name: 'paramSegmentsPerParam', type: 'u32', value: parameterSegmentsPerParam(attrs)},
      {name: 'paramSegmentStride', type: 'u32', value: attrs.width},
      {
        name: 'groupPartialsOffset',
        type: 'u32',
        value: groupPartialsOffset(paramWalk, vectors.param),
      },
    ],
    getUserCode: () => `
${vectorPrelude(vector)}
${WALK_WGSL}
${treeReduction('PairSum', shared)}
${VIEW_WGSL}
${walkFromUniforms('stats')}
${GROUP_RECORD_WGSL}
${dxCode}
${PARAM_COMBINE_WGSL}

fn run(tile : u32, local : u32) {
  ${dxCall}
  paramCombine(tile - uniforms.statsWorkgroups, local);
}
`,
  };
}
