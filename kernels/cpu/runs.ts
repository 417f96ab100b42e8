import {NormView, paramStrides} from '../../src/core/view.js';

/**
 * How the cpu loops walk a view: in memory order, as a sequence of *runs* of consecutive
 * elements along which the statistics index and the parameter index each advance by a fixed
 * step. Element `j` of a run is at `start + j` and uses statistics group `stat + j·statStep`
 * and parameter `param + j·paramStep`.
 *
 * - Row runs (`statStep = 0`): the `width · inner` elements of one statistics group in one
 *   block, e.g. one row of a layer norm; the parameter advances along `width` when `inner` is
 *   1 and is constant otherwise (then a run is split per `width` position).
 * - Column runs (`width · inner = 1`, e.g. channels-last batch norm): one block of `groups`
 *   elements, each its own statistics group, so `statStep = 1`.
 */
export type RunVisitor = (
  start: number,
  length: number,
  stat: number,
  statStep: number,
  param: number,
  paramStep: number,
) => void;

/** Calls `visit` for every run of `view`, in memory order. */
export function forEachRun(view: NormView, visit: RunVisitor): void {
  const strides = paramStrides(view);
  const {outer, span, groups, width, inner} = view;
  const rowLength = width * inner;
  let start = 0;

  if (rowLength === 1) {
    for (let a = 0; a < outer; a++) {
      for (let b = 0; b < span; b++, start += groups) {
        visit(start, groups, a * groups, 1, b * strides.span, strides.groups);
      }
    }
    return;
  }

  const splitWidth = inner > 1 && strides.width !== 0;
  for (let a = 0; a < outer; a++) {
    for (let b = 0; b < span; b++) {
      for (let c = 0; c < groups; c++) {
        const stat = a * groups + c;
        const param = b * strides.span + c * strides.groups;
        if (!splitWidth) {
          visit(start, rowLength, stat, 0, param, strides.width);
          start += rowLength;
          continue;
        }
        for (let d = 0; d < width; d++, start += inner) {
          visit(start, inner, stat, 0, param + d * strides.width, 0);
        }
      }
    }
  }
}
