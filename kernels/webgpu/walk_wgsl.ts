/**
 * WGSL shared by every program: the walk (which elements each invocation visits, see walk.ts)
 * and the reductions of lanes in workgroup memory.
 */

/**
 * Walk, lane and cursor. A lane visits the elements `k = begin + index, + count, …` of its
 * segment's chunk, with `k = row · segmentLength + position`; the cursor advances `row` and
 * `position` without a division.
 */
export const WALK_WGSL = `
struct Walk {
  outer : u32,
  rows : u32,
  segments : u32,
  segmentLength : u32,
  rowStride : u32,
  outerStride : u32,
  rowRadix : u32,
  tileSegments : u32,
  tileX : u32,
  tileY : u32,
  laneWidth : u32,
  chunks : u32,
  chunkSize : u32,
};

// One invocation's place in a walk.
struct Lane {
  // The segment: its number over all slabs (outerIndex * segments + segment), slab and rank.
  group : u32,
  outerIndex : u32,
  segment : u32,
  chunk : u32,
  // Segment within the tile; its reduced value ends at workgroup slot slot * laneWidth.
  slot : u32,
  laneRow : u32,
  laneColumn : u32,
  // Rank among the lanes of the segment, and their number.
  index : u32,
  count : u32,
  live : bool,
  lead : bool,
  // Flat index of the segment's first element (row 0, position 0).
  origin : u32,
  begin : u32,
  end : u32,
  stepRows : u32,
  stepPosition : u32,
  stepHigh : u32,
  stepLow : u32,
};

// An element of a lane: k = row * segmentLength + position, and the row split as
// (high, low) = (row / rowRadix, row % rowRadix).
struct Cursor {
  k : u32,
  row : u32,
  position : u32,
  high : u32,
  low : u32,
};

fn laneOf(walk : Walk, tile : u32, local : u32) -> Lane {
  var lane : Lane;
  lane.chunk = tile % walk.chunks;
  let column = local % walk.tileX;
  lane.laneRow = local / walk.tileX;
  lane.slot = column / walk.laneWidth;
  lane.laneColumn = column % walk.laneWidth;
  lane.group = (tile / walk.chunks) * walk.tileSegments + lane.slot;
  lane.outerIndex = lane.group / walk.segments;
  lane.segment = lane.group % walk.segments;
  lane.index = lane.laneRow * walk.laneWidth + lane.laneColumn;
  lane.count = walk.tileY * walk.laneWidth;
  lane.live = lane.laneRow < walk.tileY && lane.group < walk.outer * walk.segments;
  lane.lead = lane.live && lane.index == 0u;
  lane.origin = lane.outerIndex * walk.outerStride + lane.segment * walk.segmentLength;
  lane.begin = lane.chunk * walk.chunkSize;
  lane.end = min(walk.rows * walk.segmentLength, lane.begin + walk.chunkSize);
  lane.stepRows = lane.count / walk.segmentLength;
  lane.stepPosition = lane.count % walk.segmentLength;
  lane.stepHigh = lane.stepRows / walk.rowRadix;
  lane.stepLow = lane.stepRows % walk.rowRadix;
  return lane;
}

fn firstElement(walk : Walk, lane : Lane) -> Cursor {
  let k = lane.begin + lane.index;
  let row = k / walk.segmentLength;
  return Cursor(k, row, k % walk.segmentLength, row / walk.rowRadix, row % walk.rowRadix);
}

fn nextElement(walk : Walk, lane : Lane, c : Cursor) -> Cursor {
  var n = Cursor(c.k + lane.count, c.row + lane.stepRows, c.position + lane.stepPosition,
      c.high + lane.stepHigh, c.low + lane.stepLow);
  if (n.position >= walk.segmentLength) {
    n.position -= walk.segmentLength;
    n.row += 1u;
    n.low += 1u;
  }
  if (n.low >= walk.rowRadix) {
    n.low -= walk.rowRadix;
    n.high += 1u;
  }
  return n;
}

fn inChunk(lane : Lane, c : Cursor) -> bool {
  return lane.live && c.k < lane.end;
}

fn flatIndex(walk : Walk, lane : Lane, c : Cursor) -> u32 {
  return lane.origin + c.row * walk.rowStride + c.position;
}

// Workgroup slot of the lane of rank \`rank\` among the lanes of tile segment \`slot\`.
fn laneSlot(walk : Walk, slot : u32, rank : u32) -> u32 {
  return (rank / walk.laneWidth) * walk.tileX + slot * walk.laneWidth + rank % walk.laneWidth;
}
`;

/** Workgroup arrays of the reductions (`T` as defined by vector_wgsl.ts) and the radix. */
const REDUCE_MEMORY_WGSL = `
const REDUCE_RADIX = 8u;

var<workgroup> reduceCount : array<f32, WORKGROUP_SIZE>;
var<workgroup> reduceFirst : array<T, WORKGROUP_SIZE>;
var<workgroup> reduceSecond : array<T, WORKGROUP_SIZE>;
`;

/** An accumulator type the reductions handle: its WGSL name and its fields in memory. */
interface Accumulator {
  type: string;
  fields: Array<[field: string, array: string]>;
}

const ACCUMULATORS: Record<'Welford' | 'PairSum', Accumulator> = {
  Welford: {
    type: 'Welford',
    fields: [
      ['count', 'reduceCount'],
      ['mean', 'reduceFirst'],
      ['m2', 'reduceSecond'],
    ],
  },
  PairSum: {
    type: 'PairSum',
    fields: [
      ['first', 'reduceFirst'],
      ['second', 'reduceSecond'],
    ],
  },
};

/**
 * `fn reduce<Type>(walk, lane, local, value) -> Type`: merges the values of the lanes of each
 * segment of the tile and returns the segment's total to every lane.
 *
 * Algorithm: a tree of radix `REDUCE_RADIX` over the segment's lanes, ranked `index = laneRow ·
 * laneWidth + laneColumn`: at each level the lanes whose rank is a multiple of `stride · radix`
 * merge the `radix − 1` values `stride` ranks apart, then the workgroup waits at a barrier. A
 * wide radix keeps the barriers few (two levels for 64 lanes). Every invocation must call it,
 * once per run (inactive lanes pass an empty value); the total is read from the slot of rank 0.
 *
 * With `shared = false` (every walk of the program has one lane per segment) it returns
 * `value` unchanged and the program contains no barrier at all.
 */
export function treeReduction(name: 'Welford' | 'PairSum', shared: boolean): string {
  const {type, fields} = ACCUMULATORS[name];
  if (!shared) {
    return `
fn reduce${type}(walk : Walk, lane : Lane, local : u32, value : ${type}) -> ${type} {
  return value;
}
`;
  }
  const load = fields.map(([, array]) => `${array}[i]`).join(', ');
  const store = fields.map(([field, array]) => `  ${array}[i] = v.${field};`).join('\n');
  const merge = `${type.charAt(0).toLowerCase()}${type.slice(1)}Merge`;
  return `
${REDUCE_MEMORY_WGSL}

fn load${type}(i : u32) -> ${type} {
  return ${type}(${load});
}

fn store${type}(i : u32, v : ${type}) {
${store}
}

fn reduce${type}(walk : Walk, lane : Lane, local : u32, value : ${type}) -> ${type} {
  store${type}(local, value);
  workgroupBarrier();
  let lanes = walk.tileY * walk.laneWidth;
  for (var stride = 1u; stride < lanes; stride *= REDUCE_RADIX) {
    if (lane.laneRow < walk.tileY && lane.index % (stride * REDUCE_RADIX) == 0u) {
      var acc = load${type}(local);
      for (var j = 1u; j < REDUCE_RADIX; j++) {
        let rank = lane.index + j * stride;
        if (rank < lanes) {
          acc = ${merge}(acc, load${type}(laneSlot(walk, lane.slot, rank)));
        }
      }
      store${type}(local, acc);
    }
    workgroupBarrier();
  }
  return load${type}(lane.slot * walk.laneWidth);
}
`;
}
