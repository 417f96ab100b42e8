import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {
  BackwardTensors,
  BackwardVectors,
  gradientInputs,
  walkParamPartials,
} from './backward_sums_program.js';
import {
  GROUP_GRADIENT_WGSL,
  GROUP_RECORD_WGSL,
  groupStatsFromPartials,
  PARAM_COMBINE_WGSL,
  WRITE_INPUT_GRADIENT_WGSL,
} from './backward_wgsl.js';
import type {NormProgram} from './launch.js';
import {paramCombineUniforms, paramPartialsLength} from './param_combine_program.js';
import {BackwardPlan, sharesSegments} from './plans.js';
import {
  dataType,
  loadT,
  paramAccessors,
  Vectorization,
  vectorKey,
  vectorPrelude,
} from './vector_wgsl.js';
import {VIEW_WGSL, viewUniforms} from './view_wgsl.js';
import {walkFromUniforms, walkUniforms, walkWorkgroups} from './walk.js';
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
 * Second backward dispatch when statistics groups are chunked (the `partials` role; unchunked
 * calls finish with param_combine_program.ts). Its workgroups `[0, statsWorkgroups)` merge the
 * chunk sums of their groups (lanes, then workgroup memory) and write `dx` over their chunk,
 * reading each group's `mean` and `invStd` from its record in `partials`; the following
 * `ceil(paramSize / workgroup size)` workgroups combine the parameter partials into `dgamma`
 * and `dbeta` (one invocation per parameter).
 *
 * Shader key: `tfnNormBackwardFinish_wg<workgroup size>_r<lanes share segments 0|1>_g<0|1>
 * _<stats vectorization>`.
 */
export function backwardFinishProgram(
  attrs: NormAttrs,
  plan: BackwardPlan,
  vectors: BackwardVectors,
  workgroupSize: number,
  t: BackwardTensors,
): NormProgram {
  const {statsWalk, paramWalk} = plan;
  const statsWorkgroups = walkWorkgroups(statsWalk);
  const vector = vectors.stats;
  const hasGamma = t.gamma !== null;
  const shared = sharesSegments(statsWalk);
  const parameters = walkParamPartials(attrs, paramWalk, vectors.param);
  const flags = [`r${shared ? 1 : 0}`, `g${hasGamma ? 1 : 0}`, vectorKey(vector)].join('_');

  return {
    name: 'TfnNormBackwardFinishProgram',
    shaderKey: `tfnNormBackwardFinish_wg${workgroupSize}_${flags}`,
    workgroupSize,
    workgroupCount: statsWorkgroups + Math.ceil(parameters.paramSize / workgroupSize),
    outputs: [
      {name: 'dx', tensor: t.dx, type: dataType(vector)},
      {name: 'dgamma', tensor: t.dgamma},
      {name: 'dbeta', tensor: t.dbeta},
    ],
    inputs: [{name: 'partials', tensor: t.partials}, ...gradientInputs(t, vector)],
    uniforms: [
      ...viewUniforms(attrs),
      ...walkUniforms('stats', statsWalk),
      {name: 'statsWorkgroups', type: 'u32', value: statsWorkgroups},
      ...paramCombineUniforms(parameters),
      {name: 'groupPartialsOffset', type: 'u32', value: paramPartialsLength(parameters)},
    ],
    getUserCode: () => `
${vectorPrelude(vector)}
${WALK_WGSL}
${treeReduction('PairSum', shared)}
${VIEW_WGSL}
${walkFromUniforms('stats')}
${GROUP_RECORD_WGSL}
${paramAccessors(vector, hasGamma, false, vectors.perLane)}
${GROUP_GRADIENT_WGSL}
${groupStatsFromPartials(vector)}
${WRITE_INPUT_GRADIENT_WGSL}
${inputGradientRole(vector)}
${PARAM_COMBINE_WGSL}

fn run(tile : u32, local : u32) {
  if (tile < uniforms.statsWorkgroups) {
    inputGradientRole(tile, local);
    return;
  }
  paramCombine(tile - uniforms.statsWorkgroups, local);
}
`,
  };
}
