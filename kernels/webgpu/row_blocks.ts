/**
 * Row blocks: how the `solo` lane style runs layer and RMS normalization over trailing axes,
 * the view `[rows, 1, 1, rowLength, 1]` with parameters over `width`, where every statistics
 * group is one contiguous row and the parameter of a scalar is its position in the row.
 *
 * A lane owns *blocks* of `rowsPerLane` consecutive rows (blocks `lane, lane + lanes, …`) and
 * walks their columns together: per column it loads each parameter once for all rows of the
 * block, and the block's rows are independent accumulators held in registers (the WGSL is
 * unrolled per row, see {@link perRow}). On software adapters, where each memory access costs
 * far more than the arithmetic, this removes most parameter loads and, in the backward, lets
 * the lane sum its own contributions to `dgamma`/`dbeta` while it writes `dx`, instead of a
 * separate pass over `x` and `dy`. GPUs (`cooperative` lanes) keep the walks of walk.ts, whose
 * adjacent lanes read adjacent addresses.
 */
import type {NormAttrs} from '../../src/core/kernel_contract.js';
import type {NormProgram, ProgramBuffer} from './launch.js';
import {SCALAR_ELEMENTS, Vectorization} from './vector_wgsl.js';
import {viewUniforms} from './view_wgsl.js';
import type {LaneStyle} from './walk.js';

/** Invocations per workgroup of the row-block programs (few lanes: rows are long). */
export const ROW_BLOCK_WORKGROUP_SIZE = 8;

/** Most rows a lane takes per block, a power of two (each row costs registers). */
export const MAX_ROWS_PER_LANE = 4;

/** Fewest lanes a row-block dispatch must keep busy; fewer rows take the walks of walk.ts. */
export const MIN_ROW_BLOCK_LANES = 32;

/**
 * Most lanes: each lane keeps one row of `dgamma` and `dbeta` partial sums. This also caps a
 * dispatch at 8 workgroups, enough for the two cores measured, unmeasured on larger CPUs.
 */
export const MAX_ROW_BLOCK_LANES = 64;

/** Most scalars of those partial sums (16 MiB), else the walks of walk.ts run. */
export const MAX_ROW_BLOCK_PARTIALS = 2 ** 22;

/** How a row-block call runs. */
export interface RowBlockPlan {
  /** Rows per block; divides the number of rows. */
  rowsPerLane: number;
  /** Blocks in all: rows / rowsPerLane. */
  blocks: number;
  /** Lanes that own blocks (at most `blocks`); each keeps its own parameter partial sums. */
  lanes: number;
  /** Elements of a row: rowLength / 4 when rows are made of `vec4`s, else rowLength. */
  rowElements: number;
  /** `positions` with `vector` parameters when the row length is a multiple of 4, else none. */
  vector: Vectorization;
}

/**
 * The row-block plan of `attrs` in lane style `style`, or `null` when the call takes the walks
 * of walk.ts: another lane style or view, given statistics, or too few rows to keep
 * {@link MIN_ROW_BLOCK_LANES} lanes busy within the partial-sum budget.
 */
export function planRowBlocks(attrs: NormAttrs, style: LaneStyle): RowBlockPlan | null {
  const rowsView =
    attrs.span === 1 &&
    attrs.groups === 1 &&
    attrs.inner === 1 &&
    attrs.paramOverWidth &&
    !attrs.paramOverSpan &&
    !attrs.paramOverGroups;
  if (style !== 'solo' || !rowsView || attrs.statsGiven) {
    return null;
  }

  const rows = attrs.outer;
  const rowLength = attrs.width;
  let rowsPerLane = MAX_ROWS_PER_LANE;
  while (
    rowsPerLane > 1 &&
    (rows % rowsPerLane !== 0 || rows / rowsPerLane < MIN_ROW_BLOCK_LANES)
  ) {
    rowsPerLane /= 2;
  }
  const blocks = rows / rowsPerLane;
  const affordable = Math.floor(MAX_ROW_BLOCK_PARTIALS / (2 * rowLength));
  const lanes = Math.min(blocks, MAX_ROW_BLOCK_LANES, affordable);
  if (lanes < MIN_ROW_BLOCK_LANES) {
    return null;
  }

  const vectorized = rowLength % 4 === 0;
  return {
    rowsPerLane,
    blocks,
    lanes,
    rowElements: vectorized ? rowLength / 4 : rowLength,
    vector: vectorized ? {kind: 'positions', params: 'vector'} : SCALAR_ELEMENTS,
  };
}

/** WGSL repeated once per row `j` of a block (`code(j)` names its variables with `j`). */
export function perRow(plan: RowBlockPlan, code: (j: number) => string): string {
  return Array.from({length: plan.rowsPerLane}, (_, j) => code(j)).join('\n');
}

/** What distinguishes the row-block programs; {@link rowBlockProgram} adds the rest. */
export interface RowBlockProgramSpec {
  name: string;
  /** Shader-key prefix; the workgroup size and `k<rows per lane>` are appended, then `flags`. */
  keyPrefix: string;
  flags: string[];
  outputs: ProgramBuffer[];
  inputs: ProgramBuffer[];
  /** Module-scope WGSL: preludes and helpers. */
  prelude: string;
  /** WGSL run once per block, with `lane`, `n` (elements per row), `block` and `row0` set. */
  body: string;
}

/**
 * A row-block program: one invocation per lane, `ROW_BLOCK_WORKGROUP_SIZE` lanes per workgroup,
 * the view's and the plan's uniforms (`blocks`, `lanes`, `rowElements`), and `run` looping over
 * the lane's blocks (`lane, lane + lanes, …`; `row0` is the first row of the block).
 */
export function rowBlockProgram(
  attrs: NormAttrs,
  plan: RowBlockPlan,
  spec: RowBlockProgramSpec,
): NormProgram {
  const key = [`wg${ROW_BLOCK_WORKGROUP_SIZE}`, `k${plan.rowsPerLane}`, ...spec.flags];
  return {
    name: spec.name,
    shaderKey: `${spec.keyPrefix}_${key.join('_')}`,
    workgroupSize: ROW_BLOCK_WORKGROUP_SIZE,
    workgroupCount: Math.ceil(plan.lanes / ROW_BLOCK_WORKGROUP_SIZE),
    outputs: spec.outputs,
    inputs: spec.inputs,
    uniforms: [
      ...viewUniforms(attrs),
      {name: 'blocks', type: 'u32', value: plan.blocks},
      {name: 'lanes', type: 'u32', value: plan.lanes},
      {name: 'rowElements', type: 'u32', value: plan.rowElements},
    ],
    getUserCode: () => `
${spec.prelude}
const ROWS_PER_LANE = ${plan.rowsPerLane}u;

fn run(tile : u32, local : u32) {
  let lane = tile * WORKGROUP_SIZE + local;
  if (lane >= uniforms.lanes) {
    return;
  }
  let n = uniforms.rowElements;
  for (var block = lane; block < uniforms.blocks; block += uniforms.lanes) {
    let row0 = block * ROWS_PER_LANE;
${spec.body}
  }
}
`,
  };
}
