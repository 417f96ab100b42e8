import type {TensorInfo} from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {paramSize} from '../../src/core/view.js';
import {
  GROUP_GRADIENT_WGSL,
  GROUP_RECORD_WGSL,
  groupStatsFromInputs,
  paramPartialRole,
  ParamStatsAccess,
  paramStatsKey,
  paramWalkPrelude,
} from './backward_wgsl.js';
import type {NormProgram, ProgramBuffer} from './launch.js';
import {ParamPartials, paramPartialsLength} from './param_combine_program.js';
import {BackwardPlan, sharesSegments} from './plans.js';
import {
  dataType,
  paramAccessors,
  paramType,
  storeT,
  Vectorization,
  vectorKey,
  vectorPrelude,
} from './vector_wgsl.js';
import {VIEW_WGSL, viewUniforms} from './view_wgsl.js';
import {
  parameterSegmentsPerParam,
  parameterWalk,
  WalkPlan,
  walkFromUniforms,
  walkUniforms,
  walkWorkgroups,
} from './walk.js';
import {treeReduction, WALK_WGSL} from './walk_wgsl.js';

/**
 * What the statistics-walk workgroups of the first backward dispatch do:
 * - `local`: each holds whole groups: sums, then `dx` (no second pass needed for `dx`);
 * - `partials`: sums of one chunk, written to the group records of `partials` for the second
 *   dispatch (see backward_wgsl.ts).
 */
export type GroupRole = BackwardPlan['role'];

/** Tensors of the backward programs; `gamma` is `null` when absent. */
export interface BackwardTensors {
  dy: TensorInfo;
  x: TensorInfo;
  gamma: TensorInfo | null;
  mean: TensorInfo;
  invStd: TensorInfo;
  dx: TensorInfo;
  dgamma: TensorInfo;
  dbeta: TensorInfo;
  /** Intermediate parameter partials and, when chunked, group records (backward_wgsl.ts). */
  partials: TensorInfo;
}

/** `dy`, `x` and `gamma` (when present) as program inputs. */
export function gradientInputs(t: BackwardTensors, vector: Vectorization): ProgramBuffer[] {
  const inputs: ProgramBuffer[] = [
    {name: 'dy', tensor: t.dy, type: dataType(vector)},
    {name: 'x', tensor: t.x, type: dataType(vector)},
  ];
  if (t.gamma !== null) {
    inputs.push({name: 'gamma', tensor: t.gamma, type: paramType(vector)});
  }
  return inputs;
}

/** The parameter partials of the parameter walk (the first part of `partials`). */
export function walkParamPartials(
  attrs: NormAttrs,
  paramWalk: WalkPlan,
  paramVector: Vectorization,
): ParamPartials {
  return {
    paramSize: paramSize(attrs),
    segments: paramWalk.segments * (paramVector.kind === 'segments' ? 4 : 1),
    chunks: paramWalk.chunks,
    segmentsPerParam: parameterSegmentsPerParam(attrs),
    segmentStride: attrs.width,
  };
}

/** Length of `partials` (backward_wgsl.ts); `statsWalk` is `null` when unchunked. */
export function partialsLength(
  parameters: ParamPartials,
  statsWalk: WalkPlan | null,
  statCount: number,
): number {
  const recordLength = statsWalk === null ? 0 : 2 + 2 * statsWalk.chunks;
  return paramPartialsLength(parameters) + statCount * recordLength;
}

function localRoleCode(cache: number): string {
  const fill =
    cache === 0
      ? ''
      : `
  var cacheG : array<V, ${cache}>;
  var cacheXhat : array<V, ${cache}>;
  for (var i = 0u; i < ${cache}u; i++) {
    if (inChunk(lane, c)) {
      let v = gradientInputs(walk, lane, gs, c);
      cacheG[i] = v.first;
      cacheXhat[i] = v.second;
      acc = LanePairSum(acc.first + v.first, acc.second + v.first * v.second);
      c = nextElement(walk, lane, c);
    }
  }`;
  const drain =
    cache === 0
      ? ''
      : `
  for (var i = 0u; i < ${cache}u; i++) {
    if (inChunk(lane, d)) {
      let v = LanePairSum(cacheG[i], cacheXhat[i]);
      dx[flatIndex(walk, lane, d)] = inputGradient(gs, terms, v);
      d = nextElement(walk, lane, d);
    }
  }`;
  return `
fn groupRole(tile : u32, local : u32) {
  let walk = statsWalk();
  let lane = laneOf(walk, tile, local);
  loadLaneParams(lane);
  let gs = groupStatsOf(lane);

  var acc = LanePairSum(V(0.0), V(0.0));
  var c = firstElement(walk, lane);${fill}
  let rest = laneGroupSums(walk, lane, gs, c);
  acc = LanePairSum(acc.first + rest.first, acc.second + rest.second);

  let terms = gradientTerms(reducePairSum(walk, lane, local, foldPairSum(acc)));
  var d = firstElement(walk, lane);${drain}
  while (inChunk(lane, d)) {
    dx[flatIndex(walk, lane, d)] = inputGradient(gs, terms, gradientInputs(walk, lane, gs, d));
    d = nextElement(walk, lane, d);
  }
}
`;
}

function partialsRoleCode(v: Vectorization): string {
  const store = (offset: string, value: string) =>
    storeT(v, (i) => `partials[groupRecord(${i})${offset}]`, 'first', value);
  return `
fn groupRole(tile : u32, local : u32) {
  let walk = statsWalk();
  let lane = laneOf(walk, tile, local);
  loadLaneParams(lane);
  let gs = groupStatsOf(lane);
  let sums = foldPairSum(laneGroupSums(walk, lane, gs, firstElement(walk, lane)));
  let total = reducePairSum(walk, lane, local, sums);
  if (lane.lead) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    if (lane.chunk == 0u) {
      ${store('', 'gs.mean')}
      ${store(' + 1u', 'gs.invStd')}
    }
    ${store(' + 2u + 2u * lane.chunk', 'total.first')}
    ${store(' + 3u + 2u * lane.chunk', 'total.second')}
  }
}
`;
}

/** Vectorizations of the two walks of the backward programs (same element type). */
export interface BackwardVectors {
  stats: Vectorization;
  param: Vectorization;
  /** How the parameter walk reads the statistics of its elements. */
  paramStats: ParamStatsAccess;
  /** The parameters are loaded once per lane of the statistics walk. */
  perLane: boolean;
}

/**
 * First backward dispatch. Its workgroups `[0, statsWorkgroups)` walk the statistics groups
 * (role `local`: sums and `dx`; role `partials`: partial sums per chunk, plus the group's
 * `mean` and `invStd`), the following ones walk the parameters and write their partial sums.
 *
 * Algorithm (statistics side): each lane accumulates `Σg` and `Σg·x̂` over its elements
 * (`local` keeps up to `cache` of `(g, x̂)` in registers), the lanes of each group are merged in
 * workgroup memory, and with `local` the lanes then write
 * `dx = invStd · (g − mean(g) − x̂ · mean(g·x̂))`. Parameter side: see paramPartialRole.
 *
 * Shader key: `tfnNormBackwardSums_<role>_wg<workgroup size>_r<lanes share segments 0|1>
 * _c<cache>_g<0|1>_<stats vectorization>_<param vectorization>_<param stats access>
 * _l<parameters per lane 0|1>`.
 */
export function backwardSumsProgram(
  attrs: NormAttrs,
  plan: BackwardPlan,
  vectors: BackwardVectors,
  workgroupSize: number,
  t: BackwardTensors,
): NormProgram {
  const {role, statsWalk, paramWalk} = plan;
  const statsWorkgroups = walkWorkgroups(statsWalk);
  const cacheLength = role === 'local' ? plan.cache : 0;
  const shared = sharesSegments(statsWalk, paramWalk);
  const outputs: ProgramBuffer[] = [{name: 'partials', tensor: t.partials}];
  if (role === 'local') {
    outputs.unshift({name: 'dx', tensor: t.dx, type: dataType(vectors.stats)});
  }
  const flags = [
    `r${shared ? 1 : 0}`,
    `c${cacheLength}`,
    `g${t.gamma ? 1 : 0}`,
    vectorKey(vectors.stats),
    vectorKey(vectors.param),
    paramStatsKey(vectors.paramStats),
    `l${vectors.perLane ? 1 : 0}`,
  ].join('_');

  return {
    name: 'TfnNormBackwardSumsProgram',
    shaderKey: `tfnNormBackwardSums_${role}_wg${workgroupSize}_${flags}`,
    workgroupSize,
    workgroupCount: statsWorkgroups + walkWorkgroups(paramWalk),
    outputs,
    inputs: [
      ...gradientInputs(t, vectors.stats),
      {name: 'mean', tensor: t.mean},
      {name: 'invStd', tensor: t.invStd},
    ],
    uniforms: [
      ...viewUniforms(attrs),
      ...walkUniforms('stats', statsWalk),
      ...walkUniforms('param', paramWalk),
      {name: 'statsWorkgroups', type: 'u32', value: statsWorkgroups},
      {name: 'paramRunScalars', type: 'u32', value: parameterWalk(attrs).segmentLength},
      {
        name: 'groupPartialsOffset',
        type: 'u32',
        value: paramPartialsLength(walkParamPartials(attrs, paramWalk, vectors.param)),
      },
    ],
    getUserCode: () => `
${vectorPrelude(vectors.stats)}
${WALK_WGSL}
${treeReduction('PairSum', shared)}
${VIEW_WGSL}
${paramAccessors(vectors.stats, t.gamma !== null, false, vectors.perLane)}
${walkFromUniforms('stats')}
${walkFromUniforms('param')}
${GROUP_GRADIENT_WGSL}
${groupStatsFromInputs(vectors.stats)}
${GROUP_RECORD_WGSL}
${role === 'local' ? localRoleCode(cacheLength) : partialsRoleCode(vectors.stats)}
${paramWalkPrelude(vectors.param, vectors.paramStats)}
${paramPartialRole(vectors.param, shared)}

fn run(tile : u32, local : u32) {
  if (tile < uniforms.statsWorkgroups) {
    groupRole(tile, local);
  } else {
    paramPartial(tile - uniforms.statsWorkgroups, local);
  }
}
`,
  };
}
