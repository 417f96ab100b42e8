/**
 * How the webgpu kernels split a reduction among workgroups (the WGSL side is walk_wgsl.ts).
 *
 * A *walk* sees the input as `outer` independent slabs of `rows × segments × segmentLength`
 * elements: element `(o, r, s, q)` lives at `o * outerStride + r * rowStride + s *
 * segmentLength + q`. Every *segment* `(o, s)` is reduced to one value over its rows and
 * positions: `rows · segmentLength` elements in `rows` runs of `segmentLength` contiguous ones.
 *
 * - Statistics walk: slabs are `outer`, rows are `span`, segments are the `groups` and
 *   `segmentLength = width · inner` (the run of one statistics group inside a block). Segment
 *   `(o, s)` is statistics group `o · groups + s`.
 * - Parameter walk: one slab whose rows run over everything above the parameter axes and
 *   whose segments are runs of elements sharing one parameter (see {@link parameterWalk}).
 *
 * A workgroup takes a *tile*: `tileSegments` consecutive segments (numbered across slabs,
 * `outer · segments` in all) and one *chunk* of their elements. Its invocations form `tileY`
 * rows of `tileX = tileSegments · laneWidth` lanes; `tileY · laneWidth` lanes share a segment:
 * - `cooperative`, short rows (channels-last): `laneWidth = segmentLength`, so the lanes of a
 *   row read `tileX` contiguous elements (a row of channels; no transpose) and each lane walks
 *   down the rows;
 * - `cooperative`, runs (one row, or rows longer than a workgroup): a power-of-two
 *   `laneWidth` that gives each lane about {@link LANE_TARGET} contiguous-strided elements;
 * - `solo`: one lane per segment (`laneWidth = tileY = 1`), so no lane ever waits for another:
 *   no workgroup barrier at all. Adjacent lanes still own adjacent segments.
 * Lanes that share a segment merge their values in workgroup memory (walk_wgsl.ts).
 */
import type {NormView} from '../../src/core/view.js';
import type {UniformField} from './launch.js';

/** Elements a cooperative lane aims at when lanes stride through contiguous segments. */
export const LANE_TARGET = 64;

/**
 * How lanes share segments: `cooperative` (several lanes per segment, merged in workgroup
 * memory; for GPUs) or `solo` (one lane per segment, no barrier; for software adapters, where
 * a workgroup barrier costs tens of microseconds per workgroup).
 */
export type LaneStyle = 'cooperative' | 'solo';

/** The layout of a walk over memory. */
export interface WalkShape {
  outer: number;
  rows: number;
  segments: number;
  segmentLength: number;
  rowStride: number;
  outerStride: number;
  /**
   * Radix that splits a row number into `(high, low) = (row / rowRadix, row % rowRadix)`, kept
   * by the cursor without division: `span` for a parameter walk whose rows run over
   * `(outer, span)`, so `high` is the outer index; `rows` (high always 0) otherwise.
   */
  rowRadix: number;
}

/** A walk with its tiling and chunking; every field is a uniform of the walk. */
export interface WalkPlan extends WalkShape {
  tileSegments: number;
  tileX: number;
  tileY: number;
  laneWidth: number;
  segmentTiles: number;
  chunks: number;
  /** Elements of one segment per chunk, counted as `row · segmentLength + position`. */
  chunkSize: number;
}

/** The statistics walk of a view: segment `(o, s)` is statistics group `o · groups + s`. */
export function statisticsWalk(view: NormView): WalkShape {
  const run = view.width * view.inner;
  return {
    outer: view.outer,
    rows: view.span,
    segments: view.groups,
    segmentLength: run,
    rowStride: view.groups * run,
    outerStride: view.span * view.groups * run,
    rowRadix: view.span,
  };
}

/**
 * The parameter walk of a view. Rows are the `outer` slabs (and the `span` rows when the
 * parameters do not vary along `span`); a row holds `columns` elements; a segment is a run of
 * contiguous elements with one parameter: `inner` elements when the parameters vary along
 * `width`, else `width · inner` when they vary along `groups`, else the whole row. Segments map
 * one to one onto parameters, except with parameters over `span` and `width` but not over
 * `groups > 1`: then the `groups` segments of a parameter lie `width` apart (see
 * {@link parameterSegmentsPerParam}).
 */
export function parameterWalk(view: NormView): WalkShape {
  const block = view.groups * view.width * view.inner;
  const rows = view.paramOverSpan ? view.outer : view.outer * view.span;
  const columns = view.paramOverSpan ? view.span * block : block;
  let segmentLength = columns;
  if (view.paramOverWidth) {
    segmentLength = view.inner;
  } else if (view.paramOverGroups) {
    segmentLength = view.width * view.inner;
  } else if (view.paramOverSpan) {
    segmentLength = block;
  }
  return {
    outer: 1,
    rows,
    segments: columns / segmentLength,
    segmentLength,
    rowStride: columns,
    outerStride: 0,
    rowRadix: view.paramOverSpan ? 1 : view.span,
  };
}

/** Segments of the parameter walk that share one parameter (`groups` or 1). */
export function parameterSegmentsPerParam(view: NormView): number {
  return view.paramOverWidth && !view.paramOverGroups ? view.groups : 1;
}

function powerOfTwoAtLeast(n: number): number {
  let p = 1;
  while (p < n) {
    p *= 2;
  }
  return p;
}

/**
 * Tiles `shape` for `workgroupSize` invocations in `style`, one chunk per segment (see the
 * file comment); a tile holds as many segments as fit.
 */
export function planWalk(shape: WalkShape, workgroupSize: number, style: LaneStyle): WalkPlan {
  const segmentsTotal = shape.outer * shape.segments;
  const size = shape.rows * shape.segmentLength;
  const columns = style === 'cooperative' && shape.rows > 1 && shape.segmentLength <= workgroupSize;
  let laneWidth = 1;
  if (columns) {
    laneWidth = shape.segmentLength;
  } else if (style === 'cooperative') {
    laneWidth = Math.min(workgroupSize, powerOfTwoAtLeast(Math.ceil(size / LANE_TARGET)));
  }
  const tileSegments = Math.max(1, Math.min(segmentsTotal, Math.floor(workgroupSize / laneWidth)));
  const tileX = tileSegments * laneWidth;
  return {
    ...shape,
    tileSegments,
    tileX,
    tileY: columns ? Math.floor(workgroupSize / tileX) : 1,
    laneWidth,
    segmentTiles: Math.ceil(segmentsTotal / tileSegments),
    chunks: 1,
    chunkSize: size,
  };
}

/** Lanes sharing one segment. */
export function lanesPerSegment(plan: WalkPlan): number {
  return plan.tileY * plan.laneWidth;
}

/** Elements of one segment. */
export function segmentSize(plan: WalkPlan): number {
  return plan.rows * plan.segmentLength;
}

/** Elements one lane visits in one chunk (the most of any lane). */
export function elementsPerLane(plan: WalkPlan): number {
  return Math.ceil(plan.chunkSize / lanesPerSegment(plan));
}

/**
 * `plan` with each segment split into about `chunks` chunks. With short segments a chunk is a
 * range of whole rows, so the lanes keep their columns.
 */
export function withChunks(plan: WalkPlan, chunks: number): WalkPlan {
  const wanted = Math.max(1, chunks);
  const total = plan.rows * plan.segmentLength;
  if (plan.laneWidth === plan.segmentLength) {
    const rowsPerChunk = Math.ceil(plan.rows / wanted);
    return {
      ...plan,
      chunks: Math.ceil(plan.rows / rowsPerChunk),
      chunkSize: rowsPerChunk * plan.segmentLength,
    };
  }
  const chunkSize = Math.ceil(total / wanted);
  return {...plan, chunks: Math.ceil(total / chunkSize), chunkSize};
}

/** Workgroups a walk takes: one per tile and chunk. */
export function walkWorkgroups(plan: WalkPlan): number {
  return plan.segmentTiles * plan.chunks;
}

const WALK_FIELDS: Array<keyof WalkPlan> = [
  'outer',
  'rows',
  'segments',
  'segmentLength',
  'rowStride',
  'outerStride',
  'rowRadix',
  'tileSegments',
  'tileX',
  'tileY',
  'laneWidth',
  'chunks',
  'chunkSize',
];

/** The uniforms of a walk, named `<prefix><Field>` (e.g. `statsRows`). */
export function walkUniforms(prefix: string, plan: WalkPlan): UniformField[] {
  return WALK_FIELDS.map((field) => ({
    name: prefix + field.charAt(0).toUpperCase() + field.slice(1),
    type: 'u32',
    value: plan[field],
  }));
}

/** WGSL `fn <prefix>Walk() -> Walk` that assembles the walk from its uniforms. */
export function walkFromUniforms(prefix: string): string {
  const args = WALK_FIELDS.map(
    (field) => `uniforms.${prefix}${field.charAt(0).toUpperCase()}${field.slice(1)}`,
  );
  return `fn ${prefix}Walk() -> Walk {\n  return Walk(${args.join(',\n    ')});\n}`;
}
