/**
 * The normalization view: one description of "what is normalized over what", shared by all
 * five normalizations and by every backend.
 *
 * Glossary (used with the same meaning in every file, kernel and shader of this package):
 *
 * - **view** `[outer, span, groups, width, inner]`: the contiguous, row-major input seen as
 *   five dimensions, without moving any data. Element `(a, b, c, d, e)` lives at flat index
 *   `(((a * span + b) * groups + c) * width + d) * inner + e`.
 * - **kept dimensions** `outer` and `groups`: each `(a, c)` pair is one *statistics group*,
 *   with its own mean and inverse standard deviation. `statCount = outer * groups`; the
 *   statistics are stored flat at index `s = a * groups + c`.
 * - **reduced dimensions** `span`, `width` and `inner`: the elements of one statistics group.
 *   `reducedSize = span * width * inner` is the `n` of every mean.
 * - **parameter axes**: the affine parameters (gamma, beta, RMS scale) are indexed row-major
 *   over the subset of `span`, `groups` and `width` that is flagged in the view;
 *   `paramSize` is the product of those sizes. `inner` never indexes a parameter.
 * - **block**: the `groups * width * inner` contiguous elements that share one `(a, b)`.
 *
 * Every normalization is an instance (channels-last and channels-first alike, no transpose):
 *
 * | normalization                                 | view                   | parameters |
 * | --------------------------------------------- | ---------------------- | ---------- |
 * | LayerNorm, trailing axes, R rows of M         | `[R, 1, 1, M, 1]`      | width      |
 * | LayerNorm `axis=1` on `[N, C, L]`             | `[N, C, L, 1, 1]`      | span       |
 * | LayerNorm `axis=[1,3]` on `[N, H, W, C]`      | `[N, H, W, C, 1]`      | span+width |
 * | BatchNorm, channel axis k on shape S          | `[1, S<k, C, 1, S>k]`  | groups     |
 * | GroupNorm, channel axis k, G groups of Cg     | `[N, S1..k, G, Cg, S>k]` | groups+width |
 * | InstanceNorm                                  | GroupNorm with Cg = 1  | groups     |
 * | RMSNorm                                       | as LayerNorm, no mean  | as LayerNorm |
 */
export interface NormView {
  /** Kept, slowest dimension (batch for group norm, rows for layer norm). */
  outer: number;
  /** Reduced dimension between `outer` and `groups`. */
  span: number;
  /** Kept dimension: channels for batch norm, groups for group norm. */
  groups: number;
  /** Reduced dimension inside a group: channels per group, or normalized features. */
  width: number;
  /** Reduced, fastest dimension that never indexes a parameter (spatial positions). */
  inner: number;
  /** Whether gamma/beta vary along `span`. */
  paramOverSpan: boolean;
  /** Whether gamma/beta vary along `groups`. */
  paramOverGroups: boolean;
  /** Whether gamma/beta vary along `width`. */
  paramOverWidth: boolean;
}

/** Strides of the parameter index along `span`, `groups` and `width` (0 where constant). */
export interface ParamStrides {
  span: number;
  groups: number;
  width: number;
}

/** Number of statistics groups: `outer * groups`. */
export function statCount(view: NormView): number {
  return view.outer * view.groups;
}

/** Number of elements reduced into one mean: `span * width * inner`. */
export function reducedSize(view: NormView): number {
  return view.span * view.width * view.inner;
}

/** Number of elements of each affine parameter tensor. */
export function paramSize(view: NormView): number {
  const span = view.paramOverSpan ? view.span : 1;
  const groups = view.paramOverGroups ? view.groups : 1;
  const width = view.paramOverWidth ? view.width : 1;
  return span * groups * width;
}

/** Number of elements the view covers. */
export function viewSize(view: NormView): number {
  return view.outer * view.span * view.groups * view.width * view.inner;
}

/** Row-major parameter strides over the flagged parameter axes. */
export function paramStrides(view: NormView): ParamStrides {
  const width = view.paramOverWidth ? 1 : 0;
  const groups = view.paramOverGroups ? (view.paramOverWidth ? view.width : 1) : 0;
  const groupsExtent = view.paramOverGroups ? view.groups : 1;
  const widthExtent = view.paramOverWidth ? view.width : 1;
  const span = view.paramOverSpan ? groupsExtent * widthExtent : 0;
  return {span, groups, width};
}

/** The view's five sizes, `[outer, span, groups, width, inner]`. */
export function viewShape(view: NormView): [number, number, number, number, number] {
  return [view.outer, view.span, view.groups, view.width, view.inner];
}

/**
 * Shape that broadcasts a flat parameter against the five-dimensional view, e.g.
 * `[1, 1, G, Cg, 1]` for group norm.
 */
export function paramBroadcastShape(view: NormView): number[] {
  return [
    1,
    view.paramOverSpan ? view.span : 1,
    view.paramOverGroups ? view.groups : 1,
    view.paramOverWidth ? view.width : 1,
    1,
  ];
}

/** Shape that broadcasts flat statistics against the view: `[outer, 1, groups, 1, 1]`. */
export function statBroadcastShape(view: NormView): number[] {
  return [view.outer, 1, view.groups, 1, 1];
}
