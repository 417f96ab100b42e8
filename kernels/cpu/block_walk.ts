import {NormView, paramStrides} from '../../src/core/view.js';

/**
 * How the cpu loops walk a view. The input is visited in memory order, one *block* (the
 * `groups * width * inner` elements that share an `(outer, span)` pair) at a time. Within a
 * block, the statistics and parameter offsets of each position are read from two small tables
 * built once per call, so the hot loops carry no index arithmetic beyond two additions.
 *
 * Element `i` of block `(a, b)` belongs to statistics group `a * groups + statInBlock[j]` and
 * parameter `b * spanParamStride + paramInBlock[j]`, with `j` its position in the block.
 */
export interface BlockWalk {
  outer: number;
  span: number;
  groups: number;
  blockSize: number;
  spanParamStride: number;
  statInBlock: Int32Array;
  paramInBlock: Int32Array;
}

/** Builds the walk for `view`; its tables have one entry per element of one block. */
export function blockWalk(view: NormView): BlockWalk {
  const strides = paramStrides(view);
  const blockSize = view.groups * view.width * view.inner;
  const statInBlock = new Int32Array(blockSize);
  const paramInBlock = new Int32Array(blockSize);

  let j = 0;
  for (let c = 0; c < view.groups; c++) {
    for (let d = 0; d < view.width; d++) {
      const param = c * strides.groups + d * strides.width;
      for (let e = 0; e < view.inner; e++, j++) {
        statInBlock[j] = c;
        paramInBlock[j] = param;
      }
    }
  }

  return {
    outer: view.outer,
    span: view.span,
    groups: view.groups,
    blockSize,
    spanParamStride: strides.span,
    statInBlock,
    paramInBlock,
  };
}
