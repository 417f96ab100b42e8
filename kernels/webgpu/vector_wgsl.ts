/**
 * Vectorized access: a walk *element* is `V`, one `f32` or a `vec4<f32>` of four consecutive
 * scalars, so each load and store moves four values (on software adapters each access costs
 * far more than the arithmetic; on GPUs it is a 128-bit transaction).
 *
 * - `none`: `V = f32`.
 * - `positions`: the four scalars are consecutive positions of one segment (segment length a
 *   multiple of 4); a lane's statistics `T` stay `f32`: its `vec4` accumulators are folded
 *   into one value before lanes are merged.
 * - `segments`: the four scalars are the same position of four adjacent segments (segment
 *   length 1, segments a multiple of 4, e.g. the channels of channels-last batch norm): each
 *   component is its own segment, so `T = vec4<f32>` too. Used only with one lane per segment
 *   (no workgroup merges of `vec4` statistics).
 *
 * The walk's sizes are then counted in elements; `segment` and `group` numbers of a lane count
 * `SEGMENTS_PER_ELEMENT` original ones; the view uniforms stay in scalars.
 */

/** How a walk's elements are vectorized. */
export type VectorKind = 'none' | 'positions' | 'segments';

/**
 * How the four scalars of an element find their parameter: `scalar` (no vectorization),
 * `vector` (four consecutive parameters, loaded as one `vec4`), `splat` (one shared parameter).
 */
export type ParamAccess = 'scalar' | 'vector' | 'splat';

/** The vectorization of a program's data. */
export interface Vectorization {
  kind: VectorKind;
  params: ParamAccess;
}

/** No vectorization. */
export const SCALAR_ELEMENTS: Vectorization = {kind: 'none', params: 'scalar'};

/** Scalars per element. */
export function elementWidth(v: Vectorization): number {
  return v.kind === 'none' ? 1 : 4;
}

/** Shader-key part: `v<kind initial><access initial>`, e.g. `vpv`. */
export function vectorKey(v: Vectorization): string {
  return `v${v.kind[0]}${v.params[0]}`;
}

/** WGSL element type of the data bindings (`x`, `y`, `dy`, `dx`). */
export function dataType(v: Vectorization): 'f32' | 'vec4<f32>' {
  return v.kind === 'none' ? 'f32' : 'vec4<f32>';
}

/** WGSL element type of the parameter bindings (`gamma`, `beta`). */
export function paramType(v: Vectorization): 'f32' | 'vec4<f32>' {
  return v.params === 'vector' ? 'vec4<f32>' : 'f32';
}

function welfordMerge(name: string, type: string): string {
  return `
fn ${name}(a : ${type}, b : ${type}) -> ${type} {
  if (b.count == 0.0) {
    return a;
  }
  if (a.count == 0.0) {
    return b;
  }
  let count = a.count + b.count;
  let delta = b.mean - a.mean;
  let share = b.count / count;
  return ${type}(count, a.mean + delta * share, a.m2 + b.m2 + delta * delta * (a.count * share));
}
`;
}

/**
 * Types and helpers of a vectorization: `V`, `T`, `SCALARS_PER_ELEMENT`,
 * `SEGMENTS_PER_ELEMENT`, `POSITIONS_PER_ELEMENT`, `splat(T) -> V`, `shiftOf(V) -> T`; the
 * statistics accumulators `Welford` / `PairSum` over `T` and the lane accumulators
 * `LaneWelford` / `LanePairSum` over `V`, with their merges and folds (Welford's and Chan's
 * formulas: numerically stable, never E[x²] − E[x]²).
 */
export function vectorPrelude(v: Vectorization): string {
  const vec = v.kind !== 'none';
  const statsVec = v.kind === 'segments';
  const header = `
alias V = ${vec ? 'vec4<f32>' : 'f32'};
alias T = ${statsVec ? 'vec4<f32>' : 'f32'};
const SCALARS_PER_ELEMENT = ${vec ? 4 : 1}u;
const SEGMENTS_PER_ELEMENT = ${statsVec ? 4 : 1}u;
const POSITIONS_PER_ELEMENT = ${v.kind === 'positions' ? 4 : 1}u;

fn splat(t : T) -> V {
  return V(t);
}

// The segment's shift from its first element (each component's own for 'segments').
fn shiftOf(first : V) -> T {
  return ${v.kind === 'positions' ? 'first.x' : 'first'};
}

struct Welford {
  count : f32,
  mean : T,
  m2 : T,
};

struct PairSum {
  first : T,
  second : T,
};

fn pairSumMerge(a : PairSum, b : PairSum) -> PairSum {
  return PairSum(a.first + b.first, a.second + b.second);
}
${welfordMerge('welfordMerge', 'Welford')}`;

  if (v.kind !== 'positions') {
    return `${header}
alias LaneWelford = Welford;
alias LanePairSum = PairSum;

fn laneWelfordMerge(a : LaneWelford, b : LaneWelford) -> LaneWelford {
  return welfordMerge(a, b);
}

fn foldWelford(a : LaneWelford) -> Welford {
  return a;
}

fn foldPairSum(a : LanePairSum) -> PairSum {
  return a;
}
`;
  }
  return `${header}
struct LaneWelford {
  count : f32,
  mean : V,
  m2 : V,
};

struct LanePairSum {
  first : V,
  second : V,
};
${welfordMerge('laneWelfordMerge', 'LaneWelford')}
// The four components are four runs of the same segment: merge them into one.
fn foldWelford(a : LaneWelford) -> Welford {
  var w = Welford(a.count, a.mean.x, a.m2.x);
  w = welfordMerge(w, Welford(a.count, a.mean.y, a.m2.y));
  w = welfordMerge(w, Welford(a.count, a.mean.z, a.m2.z));
  return welfordMerge(w, Welford(a.count, a.mean.w, a.m2.w));
}

fn foldPairSum(a : LanePairSum) -> PairSum {
  let ones = vec4<f32>(1.0);
  return PairSum(dot(a.first, ones), dot(a.second, ones));
}
`;
}

/**
 * WGSL statement(s) storing a `T` value for the lane's group(s): `target(i)` is the lvalue for
 * original index `i`; `group` the WGSL expression of the lane's first original index.
 */
export function storeT(
  v: Vectorization,
  target: (index: string) => string,
  group: string,
  value: string,
): string {
  if (v.kind !== 'segments') {
    return `${target(group)} = ${value};`;
  }
  return [0, 1, 2, 3].map((j) => `${target(`${group} + ${j}u`)} = ${value}[${j}];`).join('\n');
}

/** WGSL expression loading a `T` value: `source(i)` reads original index `i`. */
export function loadT(v: Vectorization, source: (index: string) => string, group: string): string {
  if (v.kind !== 'segments') {
    return source(group);
  }
  const parts = [0, 1, 2, 3].map((j) => source(`${group} + ${j}u`));
  return `vec4<f32>(${parts.join(', ')})`;
}

/**
 * `gammaAt(p)` and `betaAt(p)` returning `V` for the element whose first scalar has parameter
 * `p` (1 and 0 when the tensor is absent: it is not bound, as WebGPU cannot bind an empty
 * buffer).
 */
export function paramReaders(v: Vectorization, hasGamma: boolean, hasBeta: boolean): string {
  const read = (name: string) => {
    if (v.params === 'vector') {
      return `${name}[p / 4u]`;
    }
    return v.params === 'splat' ? `V(${name}[p])` : `${name}[p]`;
  };
  return `
fn gammaAt(p : u32) -> V {
  return ${hasGamma ? read('gamma') : 'V(1.0)'};
}

fn betaAt(p : u32) -> V {
  return ${hasBeta ? read('beta') : 'V(0.0)'};
}
`;
}

/**
 * {@link paramReaders}, and `gammaOf(lane, c)` / `betaOf(lane, c)` for the element under a
 * cursor of a walk. With `perLane` (the parameters do not vary along a lane's elements) those
 * return the values that `loadLaneParams(lane)`, called first, loaded once.
 */
export function paramAccessors(
  v: Vectorization,
  hasGamma: boolean,
  hasBeta: boolean,
  perLane: boolean,
): string {
  return `${paramReaders(v, hasGamma, hasBeta)}
const PARAMS_PER_LANE = ${perLane};

var<private> laneGamma : V;
var<private> laneBeta : V;

fn loadLaneParams(lane : Lane) {
  if (PARAMS_PER_LANE && lane.live) {
    let p = paramIndex(0u, lane.segment * SEGMENTS_PER_ELEMENT, 0u);
    laneGamma = gammaAt(p);
    laneBeta = betaAt(p);
  }
}

fn gammaOf(lane : Lane, c : Cursor) -> V {
  if (PARAMS_PER_LANE) {
    return laneGamma;
  }
  return gammaAt(elementParam(lane, c));
}

fn betaOf(lane : Lane, c : Cursor) -> V {
  if (PARAMS_PER_LANE) {
    return laneBeta;
  }
  return betaAt(elementParam(lane, c));
}
`;
}
