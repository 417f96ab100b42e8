/**
 * WGSL of the backward programs, with `x̂ = (x − mean) · invStd` and `g = dy · gamma`:
 * - per statistics group: `Σg` and `Σg·x̂`, then `dx = invStd · (g − mean(g) − x̂ · mean(g·x̂))`;
 * - per parameter: `dgamma = Σ dy·x̂` and `dbeta = Σ dy`, as partial sums per chunk of the
 *   parameter walk, then combined.
 *
 * The intermediate buffer `partials` holds, from index 0, the parameter partials (all dgamma
 * parts, `paramSegments · paramChunks` of them in scalars, then the dbeta parts), and from
 * `groupPartialsOffset` (chunked statistics only) one record per statistics group:
 * `mean, invStd, (Σg, Σg·x̂) per chunk`. The second dispatch so reads the group statistics
 * without binding `mean` and `invStd` (a program may bind at most 8 storage buffers).
 */
import {loadT, Vectorization} from './vector_wgsl.js';

/** Group statistics (`T`) read from the `mean` and `invStd` bindings. */
export function groupStatsFromInputs(v: Vectorization): string {
  return `
fn groupStatsOf(lane : Lane) -> GroupStats {
  if (!lane.live) {
    return GroupStats(T(0.0), T(0.0));
  }
  let first = lane.group * SEGMENTS_PER_ELEMENT;
  return GroupStats(${loadT(v, (i) => `mean[${i}]`, 'first')},
      ${loadT(v, (i) => `invStd[${i}]`, 'first')});
}
`;
}

/** First index of a group's record in `partials` (original group numbers). */
export const GROUP_RECORD_WGSL = `
fn groupRecord(group : u32) -> u32 {
  return uniforms.groupPartialsOffset + group * (2u + 2u * uniforms.statsChunks);
}
`;

/** Group statistics (`T`) read from the group records of `partials`. */
export function groupStatsFromPartials(v: Vectorization): string {
  return `
fn groupStatsOf(lane : Lane) -> GroupStats {
  if (!lane.live) {
    return GroupStats(T(0.0), T(0.0));
  }
  let first = lane.group * SEGMENTS_PER_ELEMENT;
  return GroupStats(${loadT(v, (i) => `partials[groupRecord(${i})]`, 'first')},
      ${loadT(v, (i) => `partials[groupRecord(${i}) + 1u]`, 'first')});
}
`;
}

/** `gradientTerms`: the two group means of the `dx` formula (needs the view uniforms). */
export const GRADIENT_TERMS_WGSL = `
// (mean(g), mean(g·x̂)) from the group's sums; RMS drops mean(g), given statistics drop both.
fn gradientTerms(sums : PairSum) -> PairSum {
  if (uniforms.statsGiven != 0u) {
    return PairSum(T(0.0), T(0.0));
  }
  let n = f32(uniforms.reducedSize);
  let meanG = select(T(0.0), sums.first / n, uniforms.centered != 0u);
  return PairSum(meanG, sums.second / n);
}
`;

/** Per-group helpers of the statistics walk (need a `groupStatsOf`). */
export const GROUP_GRADIENT_WGSL = `${GRADIENT_TERMS_WGSL}
struct GroupStats {
  mean : T,
  invStd : T,
};

// (g, x̂) of the element under a cursor of the statistics walk.
fn gradientInputs(walk : Walk, lane : Lane, gs : GroupStats, c : Cursor) -> LanePairSum {
  let at = flatIndex(walk, lane, c);
  let g = dy[at] * gammaOf(lane, c);
  return LanePairSum(g, (x[at] - splat(gs.mean)) * splat(gs.invStd));
}

fn inputGradient(gs : GroupStats, terms : PairSum, inputs : LanePairSum) -> V {
  let centered = inputs.first - splat(terms.first) - inputs.second * splat(terms.second);
  return splat(gs.invStd) * centered;
}

// (Σg, Σg·x̂) over the lane's elements of its chunk, from cursor c on.
fn laneGroupSums(walk : Walk, lane : Lane, gs : GroupStats, start : Cursor) -> LanePairSum {
  var acc = LanePairSum(V(0.0), V(0.0));
  var c = start;
  while (inChunk(lane, c)) {
    let v = gradientInputs(walk, lane, gs, c);
    acc = LanePairSum(acc.first + v.first, acc.second + v.first * v.second);
    c = nextElement(walk, lane, c);
  }
  return acc;
}
`;

/** Writes `dx` over a lane's elements of its chunk (programs that bind `dx`). */
export const WRITE_INPUT_GRADIENT_WGSL = `
fn writeInputGradient(walk : Walk, lane : Lane, gs : GroupStats, terms : PairSum, start : Cursor) {
  var c = start;
  while (inChunk(lane, c)) {
    dx[flatIndex(walk, lane, c)] = inputGradient(gs, terms, gradientInputs(walk, lane, gs, c));
    c = nextElement(walk, lane, c);
  }
}
`;

/**
 * How the parameter walk finds the statistics of an element's scalars (its statistics group is
 * `outer index · groups + channel group`; the outer index is the cursor's `high` part):
 * - `column`: `lane` when a lane's segment lies in one run `width · inner` (parameters over
 *   `width` or `groups`), so its group is fixed per lane; else `element` (one division);
 * - `scalars`: `uniform` (the four scalars of a `vec4` share a group: runs are multiples of 4),
 *   `consecutive` (they are four consecutive groups: single-scalar runs), `gather` (any).
 */
export interface ParamStatsAccess {
  column: 'lane' | 'element';
  scalars: 'uniform' | 'consecutive' | 'gather';
}

/** Shader-key part of a {@link ParamStatsAccess}, e.g. `sLu`. */
export function paramStatsKey(a: ParamStatsAccess): string {
  return `s${a.column === 'lane' ? 'L' : 'E'}${a.scalars[0]}`;
}

/**
 * The parameter walk's view of its elements (`V`, the same type as the statistics walk's):
 * `PARAM_SEGMENTS_PER_ELEMENT`, the per-segment sum type `PT` (`vec4` when each component is
 * its own parameter segment), `foldParam(V) -> PT`, and `elementStats(walk, lane, c)`: mean
 * and invStd of each scalar of the element under the cursor.
 */
export function paramWalkPrelude(v: Vectorization, access: ParamStatsAccess): string {
  const segments = v.kind === 'segments';
  const positions = v.kind === 'positions' ? 4 : 1;
  const fold = v.kind === 'positions' ? 'dot(v, vec4<f32>(1.0))' : 'v';
  const column =
    access.column === 'lane'
      ? 'laneColumnGroup'
      : `columnGroupOf(lane.segment * PARAM_SEGMENTS_PER_ELEMENT * uniforms.paramRunScalars +
      c.position * ${positions}u)`;
  let stats = `
  return GroupStatsV(V(mean[s]), V(invStd[s]));`;
  if (v.kind !== 'none' && access.scalars === 'consecutive') {
    stats = `
  return GroupStatsV(V(mean[s], mean[s + 1u], mean[s + 2u], mean[s + 3u]),
      V(invStd[s], invStd[s + 1u], invStd[s + 2u], invStd[s + 3u]));`;
  } else if (v.kind !== 'none' && access.scalars === 'gather') {
    stats = `
  let at = flatIndex(walk, lane, c) * 4u;
  let g = vec4<u32>(statIndexOf(at), statIndexOf(at + 1u), statIndexOf(at + 2u),
      statIndexOf(at + 3u));
  return GroupStatsV(V(mean[g.x], mean[g.y], mean[g.z], mean[g.w]),
      V(invStd[g.x], invStd[g.y], invStd[g.z], invStd[g.w]));`;
  }
  return `
const PARAM_SEGMENTS_PER_ELEMENT = ${segments ? 4 : 1}u;
// The statistics of an element depend only on the cursor's high part (reloaded when it moves).
const STATS_BY_HIGH = ${access.column === 'lane'};
alias PT = ${segments ? 'vec4<f32>' : 'f32'};

struct ParamSum {
  first : PT,
  second : PT,
};

fn foldParam(v : V) -> PT {
  return ${fold};
}

struct GroupStatsV {
  mean : V,
  invStd : V,
};

// Channel group of a parameter-walk column (in scalars).
fn columnGroupOf(column : u32) -> u32 {
  return (column / (uniforms.width * uniforms.inner)) % uniforms.groups;
}

fn elementStats(walk : Walk, lane : Lane, c : Cursor, laneColumnGroup : u32) -> GroupStatsV {
  let s = c.high * uniforms.groups + ${column};${stats}
}
`;
}

/**
 * Parameter partial sums: one workgroup per tile and chunk of the parameter walk; each lane
 * sums `dy·x̂` and `dy` over its elements; with `shared`, a tree merges the lanes of each
 * segment; the lead lane writes `partials[chunk · segments + segment]` (dgamma part) and the
 * same index plus `segments · chunks` (dbeta part), in scalar segments.
 */
export function paramPartialRole(v: Vectorization, shared: boolean): string {
  const reduce = shared
    ? `let merged = reducePairSum(walk, lane, local, PairSum(folded.first, folded.second));
  let total = ParamSum(merged.first, merged.second);`
    : 'let total = folded;';
  const store =
    v.kind === 'segments'
      ? [0, 1, 2, 3]
          .map(
            (j) => `    partials[at + ${j}u] = total.first[${j}];
    partials[half + at + ${j}u] = total.second[${j}];`,
          )
          .join('\n')
      : `    partials[at] = total.first;
    partials[half + at] = total.second;`;
  return `
fn paramPartial(tile : u32, local : u32) {
  let walk = paramWalk();
  let lane = laneOf(walk, tile, local);

  let laneColumnGroup = columnGroupOf(lane.segment * PARAM_SEGMENTS_PER_ELEMENT *
      uniforms.paramRunScalars);
  var acc = LanePairSum(V(0.0), V(0.0));
  var c = firstElement(walk, lane);
  var gs = GroupStatsV(V(0.0), V(0.0));
  var statsHigh = 0xffffffffu;
  while (inChunk(lane, c)) {
    let at = flatIndex(walk, lane, c);
    if (!STATS_BY_HIGH || c.high != statsHigh) {
      gs = elementStats(walk, lane, c, laneColumnGroup);
      statsHigh = c.high;
    }
    let upstream = dy[at];
    acc = LanePairSum(acc.first + upstream * (x[at] - gs.mean) * gs.invStd,
        acc.second + upstream);
    c = nextElement(walk, lane, c);
  }

  let folded = ParamSum(foldParam(acc.first), foldParam(acc.second));
  ${reduce}
  if (lane.lead) {
    let segments = walk.segments * PARAM_SEGMENTS_PER_ELEMENT;
    let half = segments * walk.chunks;
    let at = lane.chunk * segments + lane.segment * PARAM_SEGMENTS_PER_ELEMENT;
${store}
  }
}
`;
}

/**
 * Parameter combine: one invocation per parameter sums its partials over the chunks and over
 * its segments (`paramSegmentsPerParam` of them, `paramSegmentStride` apart, see walk.ts).
 */
export const PARAM_COMBINE_WGSL = `
fn paramCombine(tile : u32, local : u32) {
  let p = tile * WORKGROUP_SIZE + local;
  if (p >= uniforms.paramSize) {
    return;
  }
  let segments = uniforms.paramSegmentsTotal;
  let chunks = uniforms.paramChunks;
  let stride = uniforms.paramSegmentStride;
  let count = uniforms.paramSegmentsPerParam;
  let first = (p / stride) * count * stride + p % stride;

  var sums = vec2<f32>(0.0);
  for (var chunk = 0u; chunk < chunks; chunk++) {
    for (var j = 0u; j < count; j++) {
      let at = chunk * segments + first + j * stride;
      sums += vec2<f32>(partials[at], partials[segments * chunks + at]);
    }
  }
  dgamma[p] = sums.x;
  dbeta[p] = sums.y;
}
`;
