/**
 * The view in the fewest dimensions that native ops need: size-1 dimensions dropped and
 * neighbours that play the same role merged (same role: both reduced or both kept for the
 * statistics, and both indexing the parameters or neither). Layer normalization of `[R, M]`
 * is then `[R, M]` itself, batch normalization channels-last `[P, C]`, group normalization
 * channels-last `[N, S, G, Cg]`: most inputs need no reshape, statistics broadcast as
 * `[R, 1]` or `[N, 1, G, 1]` and parameters as `[M]` or `[G, Cg]`.
 */
import * as tf from '@tensorflow/tfjs';

import {NormView, paramSize, statCount, viewSize} from '../../src/core/view.js';
import type {NativeOps} from './native_ops.js';

interface Axis {
  size: number;
  /** Reduced into one statistic (span, width, inner). */
  reduced: boolean;
  /** Indexes the parameters. */
  param: boolean;
}

function compactAxes(view: NormView): Axis[] {
  const roles: Axis[] = [
    {size: view.outer, reduced: false, param: false},
    {size: view.span, reduced: true, param: view.paramOverSpan},
    {size: view.groups, reduced: false, param: view.paramOverGroups},
    {size: view.width, reduced: true, param: view.paramOverWidth},
    {size: view.inner, reduced: true, param: false},
  ];
  const axes: Axis[] = [];
  for (const role of roles) {
    const last = axes[axes.length - 1];
    if (role.size === 1) {
      continue;
    }
    if (last !== undefined && last.reduced === role.reduced && last.param === role.param) {
      last.size *= role.size;
    } else {
      axes.push({...role});
    }
  }
  return axes.length > 0 ? axes : [{size: 1, reduced: true, param: false}];
}

/** Drops leading 1s, which broadcasting adds back. */
function trimLeadingOnes(shape: number[]): number[] {
  const first = shape.findIndex((s) => s !== 1);
  return first < 0 ? [] : shape.slice(first);
}

/** Shapes of one view in compact form, and the reshapes between them. */
export class CompactView {
  /** Shape of the data (`x`, `dy`, `y`, `dx`). */
  readonly dataShape: number[];
  /** Axes of the data reduced into one statistic. */
  readonly statReduced: boolean[];
  /** Axes of the data summed into one parameter gradient. */
  readonly paramReduced: boolean[];
  /** Shape of per-statistics-group values: the data shape with 1 on reduced axes. */
  readonly statShape: number[];
  /** {@link statShape} without leading 1s, which broadcasting adds back. */
  private readonly statInputShape: number[];
  /** Shape of a parameter, broadcastable against the data. */
  readonly paramShape: number[];

  constructor(
    private readonly ops: NativeOps,
    readonly view: NormView,
  ) {
    const axes = compactAxes(view);
    this.dataShape = axes.map((a) => a.size);
    this.statReduced = axes.map((a) => a.reduced);
    this.paramReduced = axes.map((a) => !a.param);
    this.statShape = axes.map((a) => (a.reduced ? 1 : a.size));
    this.statInputShape = trimLeadingOnes(this.statShape);
    this.paramShape = trimLeadingOnes(axes.map((a) => (a.param ? a.size : 1)));
  }

  /** Data in the compact shape. */
  data(t: tf.Tensor): tf.Tensor {
    return this.ops.reshape(t, this.dataShape);
  }

  /** Flat statistics, broadcastable against the data like {@link statShape}. */
  stat(t: tf.Tensor): tf.Tensor {
    return this.ops.reshape(t, this.statInputShape);
  }

  /** A flat parameter in {@link paramShape}. */
  param(t: tf.Tensor): tf.Tensor {
    return this.ops.reshape(t, this.paramShape);
  }

  /** Statistics as the flat `[statCount]` output. */
  flatStat(t: tf.Tensor): tf.Tensor {
    return this.ops.reshape(t, [statCount(this.view)]);
  }

  /** Parameter gradients as the flat `[paramSize]` output. */
  flatParam(t: tf.Tensor): tf.Tensor {
    return this.ops.reshape(t, [paramSize(this.view)]);
  }

  /**
   * Whether `invStd · gamma`, indexed by statistics group and parameter, is small next to the
   * data (batch, group and instance normalization, not layer normalization), so one product
   * with it beats two full-size products.
   */
  scaleIsSmall(): boolean {
    let size = 1;
    this.statShape.forEach((s, i) => {
      size *= this.paramReduced[i] ? s : this.dataShape[i];
    });
    return size * 4 <= viewSize(this.view);
  }
}
