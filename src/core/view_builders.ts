import type {NormView} from './view.js';

/** A view plus, in the rare layouts the view cannot express, the transpose that makes it fit. */
export interface PlannedView {
  view: NormView;
  /**
   * `null` when the input is used in place (every common case). Otherwise the permutation
   * that moves all normalized axes last; the op transposes, normalizes and transposes back.
   */
  permutation: number[] | null;
}

function product(values: number[]): number {
  return values.reduce((acc, v) => acc * v, 1);
}

/**
 * View for batch normalization: one statistics group per channel, reduced over every other
 * axis, so `[1, prod(shape before axis), C, 1, prod(shape after axis)]`.
 *
 * @param shape - Input shape.
 * @param axis - Non-negative channel axis.
 */
export function batchView(shape: number[], axis: number): NormView {
  return {
    outer: 1,
    span: product(shape.slice(0, axis)),
    groups: shape[axis],
    width: 1,
    inner: product(shape.slice(axis + 1)),
    paramOverSpan: false,
    paramOverGroups: true,
    paramOverWidth: false,
  };
}

/**
 * View for group normalization (and instance normalization, `groups = C`): statistics per
 * sample and group, over the channels of the group and every axis but the batch axis 0.
 *
 * @param shape - Input shape, batch axis first.
 * @param axis - Non-negative channel axis, at least 1.
 * @param groups - Number of groups; must divide `shape[axis]`.
 */
export function groupView(shape: number[], axis: number, groups: number): NormView {
  return {
    outer: shape[0],
    span: product(shape.slice(1, axis)),
    groups,
    width: shape[axis] / groups,
    inner: product(shape.slice(axis + 1)),
    paramOverSpan: false,
    paramOverGroups: true,
    paramOverWidth: true,
  };
}

interface Run {
  normalized: boolean;
  size: number;
}

/** Consecutive axes of the same kind (kept or normalized) merged; size-1 axes dropped. */
function runsOf(shape: number[], axes: number[]): Run[] {
  const runs: Run[] = [];
  shape.forEach((size, i) => {
    if (size === 1) {
      return;
    }
    const normalized = axes.includes(i);
    const last = runs[runs.length - 1];
    if (last !== undefined && last.normalized === normalized) {
      last.size *= size;
    } else {
      runs.push({normalized, size});
    }
  });
  return runs;
}

/** Where each run pattern lands in the view; `K` is a kept run and `N` a normalized one. */
const LAYER_PATTERNS: Record<string, Array<'outer' | 'span' | 'groups' | 'width'>> = {
  '': [],
  N: ['width'],
  K: ['outer'],
  KN: ['outer', 'width'],
  NK: ['span', 'groups'],
  KNK: ['outer', 'span', 'groups'],
  NKN: ['span', 'groups', 'width'],
  KNKN: ['outer', 'span', 'groups', 'width'],
};

/**
 * View for layer (and RMS) normalization: statistics per position of the kept axes, over the
 * normalized axes; parameters have the shape of the normalized axes.
 *
 * Any axis list whose kept and normalized axes form at most the runs kept-normalized-kept-
 * normalized (ignoring size-1 axes) is viewed in place. Other lists, such as axes 1 and 3 of a
 * rank-5 input, need a transpose that moves the normalized axes last.
 *
 * @param shape - Input shape.
 * @param axes - Sorted, non-negative, distinct normalized axes.
 */
export function layerView(shape: number[], axes: number[]): PlannedView {
  const runs = runsOf(shape, axes);
  const pattern = runs.map((r) => (r.normalized ? 'N' : 'K')).join('');
  const slots = LAYER_PATTERNS[pattern];
  const view: NormView = {
    outer: 1,
    span: 1,
    groups: 1,
    width: 1,
    inner: 1,
    paramOverSpan: false,
    paramOverGroups: false,
    paramOverWidth: false,
  };

  if (slots !== undefined) {
    runs.forEach((run, i) => {
      view[slots[i]] = run.size;
    });
    view.paramOverSpan = slots.includes('span');
    view.paramOverWidth = slots.includes('width');
    return {view, permutation: null};
  }

  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  view.outer = product(kept.map((i) => shape[i]));
  view.width = product(axes.map((i) => shape[i]));
  view.paramOverWidth = true;
  return {view, permutation: [...kept, ...axes]};
}
