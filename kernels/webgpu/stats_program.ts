import type {TensorInfo} from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {LANE_STATISTICS_WGSL} from './forward_wgsl.js';
import type {NormProgram} from './launch.js';
import {sharesSegments} from './plans.js';
import {dataType, storeT, Vectorization, vectorKey, vectorPrelude} from './vector_wgsl.js';
import {VIEW_WGSL, viewUniforms} from './view_wgsl.js';
import {WalkPlan, walkFromUniforms, walkUniforms, walkWorkgroups} from './walk.js';
import {treeReduction, WALK_WGSL} from './walk_wgsl.js';

/**
 * First of the two forward dispatches, for statistics groups too large for one workgroup:
 * each workgroup reduces one chunk of its groups to partial statistics.
 *
 * Algorithm: every lane accumulates Welford statistics of its elements of the chunk, shifted
 * by the group's first element (blocks of exact sums merged with Chan's formula); the lanes of
 * each group are merged in workgroup memory; the group's lead lane writes `(count, mean, m2)`
 * of the chunk to `partials[((group · chunks) + chunk) · 3]`.
 *
 * Shader key: `tfnNormStats_wg<workgroup size>_r<lanes share segments 0|1>_<vectorization>`.
 */
export function statsProgram(
  attrs: NormAttrs,
  walk: WalkPlan,
  vector: Vectorization,
  workgroupSize: number,
  x: TensorInfo,
  partials: TensorInfo,
): NormProgram {
  const shared = sharesSegments(walk);
  const at = (i: string) => `partials[(${i}) * walk.chunks * 3u + lane.chunk * 3u`;
  return {
    name: 'TfnNormStatsProgram',
    shaderKey: `tfnNormStats_wg${workgroupSize}_r${shared ? 1 : 0}_${vectorKey(vector)}`,
    workgroupSize,
    workgroupCount: walkWorkgroups(walk),
    outputs: [{name: 'partials', tensor: partials}],
    inputs: [{name: 'x', tensor: x, type: dataType(vector)}],
    uniforms: [...viewUniforms(attrs), ...walkUniforms('stats', walk)],
    getUserCode: () => `
${vectorPrelude(vector)}
${WALK_WGSL}
${treeReduction('Welford', shared)}
${VIEW_WGSL}
${walkFromUniforms('stats')}
${LANE_STATISTICS_WGSL}

fn run(tile : u32, local : u32) {
  let walk = statsWalk();
  let lane = laneOf(walk, tile, local);
  let shift = groupShift(lane);
  let lanePart = laneWelford(walk, lane, shift, firstElement(walk, lane));
  let total = reduceWelford(walk, lane, local, foldWelford(lanePart));

  if (lane.lead) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    ${storeT(vector, (i) => `${at(i)}]`, 'first', 'T(total.count)')}
    ${storeT(vector, (i) => `${at(i)} + 1u]`, 'first', 'total.mean')}
    ${storeT(vector, (i) => `${at(i)} + 2u]`, 'first', 'total.m2')}
  }
}
`,
  };
}
