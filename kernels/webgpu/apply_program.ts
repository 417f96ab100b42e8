import type {TensorInfo} from '@tensorflow/tfjs';

import type {NormAttrs} from '../../src/core/kernel_contract.js';
import {LANE_STATISTICS_WGSL, NORMALIZE_WGSL} from './forward_wgsl.js';
import type {NormProgram, ProgramBuffer} from './launch.js';
import {ForwardPlan, sharesSegments, StatsSource} from './plans.js';
import {
  dataType,
  loadT,
  paramAccessors,
  paramType,
  storeT,
  Vectorization,
  vectorKey,
  vectorPrelude,
} from './vector_wgsl.js';
import {VIEW_WGSL, viewUniforms} from './view_wgsl.js';
import {walkFromUniforms, walkUniforms, walkWorkgroups} from './walk.js';
import {treeReduction, WALK_WGSL} from './walk_wgsl.js';

/** Tensors of the apply program; `gamma`/`beta` are `null` when absent. */
export interface ApplyTensors {
  x: TensorInfo;
  gamma: TensorInfo | null;
  beta: TensorInfo | null;
  partials?: TensorInfo;
  givenMean?: TensorInfo;
  givenVariance?: TensorInfo;
  y: TensorInfo;
  mean: TensorInfo;
  invStd: TensorInfo;
}

/** `x`, and `gamma` and `beta` when present, as program inputs. */
export function affineInputs(t: ApplyTensors, vector: Vectorization): ProgramBuffer[] {
  const inputs: ProgramBuffer[] = [{name: 'x', tensor: t.x, type: dataType(vector)}];
  if (t.gamma !== null) {
    inputs.push({name: 'gamma', tensor: t.gamma, type: paramType(vector)});
  }
  if (t.beta !== null) {
    inputs.push({name: 'beta', tensor: t.beta, type: paramType(vector)});
  }
  return inputs;
}

function statisticsCode(source: StatsSource, vector: Vectorization, cache: number): string {
  if (source === 'given') {
    const center = loadT(vector, (i) => `givenMean[${i}]`, 'first');
    const variance = loadT(vector, (i) => `givenVariance[${i}]`, 'first');
    return `
  var nz = Normalizer(T(0.0), T(0.0), T(0.0), T(0.0));
  if (lane.live) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    let center = ${center};
    nz = Normalizer(T(0.0), center, 1.0 / sqrt(${variance} + uniforms.epsilon), center);
  }`;
  }
  if (source === 'partials') {
    const field = (offset: number) =>
      loadT(vector, (i) => `partials[((${i}) * walk.chunks + k) * 3u + ${offset}u]`, 'first');
    return `
  let shift = groupShift(lane);
  var acc = Welford(0.0, T(0.0), T(0.0));
  if (lane.live) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    for (var k = lane.index; k < walk.chunks; k += lane.count) {
      acc = welfordMerge(acc, Welford(partials[(first * walk.chunks + k) * 3u], ${field(1)},
          ${field(2)}));
    }
  }
  let nz = normalizerOf(reduceWelford(walk, lane, local, acc), shift);`;
  }
  if (cache === 0) {
    return `
  let shift = groupShift(lane);
  let lanePart = laneWelford(walk, lane, shift, firstElement(walk, lane));
  let nz = normalizerOf(reduceWelford(walk, lane, local, foldWelford(lanePart)), shift);`;
  }
  return `
  let shift = groupShift(lane);
  var cache : array<V, ${cache}>;
  var n = 0u;
  var sum = V(0.0);
  var c = firstElement(walk, lane);
  for (var i = 0u; i < ${cache}u; i++) {
    if (inChunk(lane, c)) {
      let value = x[flatIndex(walk, lane, c)] - splat(shift);
      cache[i] = value;
      sum += value;
      n++;
      c = nextElement(walk, lane, c);
    }
  }
  var cached = LaneWelford(0.0, V(0.0), V(0.0));
  if (n > 0u) {
    let mean = sum / f32(n);
    var m2 = V(0.0);
    for (var i = 0u; i < ${cache}u; i++) {
      if (i < n) {
        let d = cache[i] - mean;
        m2 += d * d;
      }
    }
    cached = LaneWelford(f32(n), mean, m2);
  }
  let lanePart = laneWelfordMerge(cached, laneWelford(walk, lane, shift, c));
  let nz = normalizerOf(reduceWelford(walk, lane, local, foldWelford(lanePart)), shift);`;
}

function normalizeCode(cache: number): string {
  const cached =
    cache > 0
      ? `
  for (var i = 0u; i < ${cache}u; i++) {
    if (inChunk(lane, d)) {
      y[flatIndex(walk, lane, d)] = affine(cache[i], nz, lane, d);
      d = nextElement(walk, lane, d);
    }
  }`
      : '';
  return `
  var d = firstElement(walk, lane);${cached}
  while (inChunk(lane, d)) {
    let at = flatIndex(walk, lane, d);
    y[at] = affine(x[at] - splat(nz.shift), nz, lane, d);
    d = nextElement(walk, lane, d);
  }`;
}

/**
 * The forward program that writes `y`, `mean` and `invStd`: statistics from `source`, then
 * normalize and affine over the workgroup's tile.
 *
 * Algorithm: the workgroup takes one tile of the statistics walk (walk.ts). With `local`, each
 * lane accumulates Welford statistics of its elements (shifted by the group's first element;
 * the first `cache` elements kept in registers, exact two-pass over them), the lanes of each
 * group are merged in workgroup memory (Chan), and the lanes then write
 * `y = ((x − x₀) − mean) · invStd · gamma + beta` (from the registers where they can). With
 * `partials`, the lanes merge the chunk partials first. With `given`,
 * `invStd = 1/sqrt(variance + epsilon)`. RMS (`centered = 0`) uses no shift and no mean:
 * `invStd = 1/sqrt(m2/n + mean² + epsilon)`. The lead lane of each group writes its `mean` and
 * `invStd` (in the first chunk only).
 *
 * Shader key: `tfnNormApply_<source>_wg<workgroup size>_r<lanes share segments 0|1>
 * _c<cache>_g<0|1>_b<0|1>_l<parameters per lane 0|1>_<vectorization>`.
 */
export function applyProgram(
  attrs: NormAttrs,
  plan: ForwardPlan,
  workgroupSize: number,
  t: ApplyTensors,
): NormProgram {
  const {source, walk, vector, perLane} = plan;
  const cache = source === 'local' ? plan.cache : 0;
  const data = dataType(vector);
  const inputs = affineInputs(t, vector);
  if (source === 'partials') {
    inputs.push({name: 'partials', tensor: t.partials as TensorInfo});
  }
  if (source === 'given') {
    inputs.push({name: 'givenMean', tensor: t.givenMean as TensorInfo});
    inputs.push({name: 'givenVariance', tensor: t.givenVariance as TensorInfo});
  }
  const shared = sharesSegments(walk);
  const flags = [
    `r${shared ? 1 : 0}`,
    `c${cache}`,
    `g${t.gamma !== null ? 1 : 0}`,
    `b${t.beta !== null ? 1 : 0}`,
    `l${perLane ? 1 : 0}`,
    vectorKey(vector),
  ].join('_');

  return {
    name: 'TfnNormApplyProgram',
    shaderKey: `tfnNormApply_${source}_wg${workgroupSize}_${flags}`,
    workgroupSize,
    workgroupCount: walkWorkgroups(walk),
    outputs: [
      {name: 'y', tensor: t.y, type: data},
      {name: 'mean', tensor: t.mean},
      {name: 'invStd', tensor: t.invStd},
    ],
    inputs,
    uniforms: [...viewUniforms(attrs), ...walkUniforms('stats', walk)],
    getUserCode: () => `
${vectorPrelude(vector)}
${WALK_WGSL}
${treeReduction('Welford', shared)}
${VIEW_WGSL}
${paramAccessors(vector, t.gamma !== null, t.beta !== null, perLane)}
${walkFromUniforms('stats')}
${LANE_STATISTICS_WGSL}
${NORMALIZE_WGSL}

fn run(tile : u32, local : u32) {
  let walk = statsWalk();
  let lane = laneOf(walk, tile, local);
  loadLaneParams(lane);
${statisticsCode(source, vector, cache)}

  if (lane.lead && lane.chunk == 0u) {
    let first = lane.group * SEGMENTS_PER_ELEMENT;
    ${storeT(vector, (i) => `mean[${i}]`, 'first', 'nz.mean')}
    ${storeT(vector, (i) => `invStd[${i}]`, 'first', 'nz.invStd')}
  }
${normalizeCode(cache)}
}
`,
  };
}
