/**
 * Thin, typed access to the TensorFlow C library behind tfjs-node's `tensorflow` backend: every
 * helper runs exactly one native op through `executeMultipleOutputs`, with attributes built by
 * hand from the backend's binding, so this package never loads tfjs-node itself.
 *
 * Results are engine-tracked float32 tensors; callers run inside `tf.tidy`, which disposes the
 * intermediates.
 */
import * as tf from '@tensorflow/tfjs';

/** One attribute of a native op, as the binding expects it. */
export interface NativeAttr {
  name: string;
  type: number;
  value: number | boolean | string | number[];
}

/** The constants of tfjs-node's binding that these kernels use. */
export interface NativeBinding {
  TF_FLOAT: number;
  TF_INT32: number;
  TF_ATTR_STRING: number;
  TF_ATTR_FLOAT: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_TYPE: number;
}

/** The members of tfjs-node's `NodeJSKernelBackend` that these kernels use. */
export interface NativeBackend {
  binding: NativeBinding;
  /** `true` with tfjs-node-gpu on a GPU (same backend name, `tensorflow`). */
  isUsingGpuDevice?: boolean;
  executeMultipleOutputs(
    name: string,
    attrs: NativeAttr[],
    inputs: tf.TensorInfo[],
    numOutputs: number,
  ): tf.Tensor[];
}

/** Reductions with the same signature (`input`, `reduction_indices`, `keep_dims`). */
export type NativeReduction = 'Mean' | 'Sum' | 'EuclideanNorm';

/** Element-wise unary ops the kernels use. */
export type NativeUnary =
  'Identity' | 'Neg' | 'Square' | 'Rsqrt' | 'Reciprocal' | 'ZerosLike' | 'OnesLike';

/** Layouts of the 4-D tensors of `FusedBatchNormV3`: channels last or channels second. */
export type BatchNormFormat = 'NHWC' | 'NCHW';

/** Settings shared by `FusedBatchNormV3` and `FusedBatchNormGradV3`. */
export interface BatchNormSettings {
  format: BatchNormFormat;
  epsilon: number;
  /** `true`: batch statistics (and their gradient); `false`: the given statistics. */
  training: boolean;
}

/** Outputs of `FusedBatchNormGradV3` that the kernels read. */
export interface BatchNormGrads {
  dx: tf.Tensor;
  dscale: tf.Tensor;
  doffset: tf.Tensor;
}

/**
 * Runs native ops for one kernel call. Failures name the kernel, the native op and the input
 * shapes.
 */
export class NativeOps {
  private readonly binding: NativeBinding;

  /** Whether ops run on a GPU (tfjs-node-gpu), where some native ops keep other state. */
  readonly onGpu: boolean;

  /**
   * @param backend - The active backend, as passed to the kernel function.
   * @param kernel - Name of the calling kernel, for error messages.
   */
  constructor(
    private readonly backend: NativeBackend,
    private readonly kernel: string,
  ) {
    if (typeof backend.executeMultipleOutputs !== 'function' || backend.binding === undefined) {
      throw new Error(`${kernel} (tensorflow): the backend is not tfjs-node's NodeJSKernelBackend`);
    }
    this.binding = backend.binding;
    this.onGpu = backend.isUsingGpuDevice === true;
  }

  /** Runs native op `name` and returns its first `numOutputs` outputs. */
  run(name: string, inputs: tf.TensorInfo[], attrs: NativeAttr[], numOutputs = 1): tf.Tensor[] {
    try {
      return this.backend.executeMultipleOutputs(name, attrs, inputs, numOutputs);
    } catch (e) {
      const shapes = inputs.map((t) => `[${t.shape}]`).join(', ');
      throw new Error(
        `${this.kernel} (tensorflow): native op ${name} failed on inputs ${shapes}: ` +
          `${(e as Error).message}`,
      );
    }
  }

  /** `x` with a new shape of the same size; `x` itself when the shape is unchanged. */
  reshape(x: tf.Tensor, shape: number[]): tf.Tensor {
    if (tf.util.arraysEqual(x.shape, shape)) {
      return x;
    }
    const shapeTensor = this.ints(shape);
    return this.run('Reshape', [x, shapeTensor], [this.floatType('T'), this.intType('Tshape')])[0];
  }

  /** Reduction of `x` over `axes`, keeping the reduced axes with size 1. */
  reduce(reduction: NativeReduction, x: tf.Tensor, axes: number[]): tf.Tensor {
    const attrs = [
      this.floatType('T'),
      this.intType('Tidx'),
      {name: 'keep_dims', type: this.binding.TF_ATTR_BOOL, value: true},
    ];
    return this.run(reduction, [x, this.ints(axes)], attrs)[0];
  }

  /** Element-wise binary op with broadcasting (`AddV2`, `Sub`, `Mul`, ...). */
  binary(name: 'AddV2' | 'Sub' | 'Mul', a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.run(name, [a, b], [this.floatType('T')])[0];
  }

  /** Element-wise unary op (`Square`, `Rsqrt`, ...), or `Identity` for a new handle on `x`. */
  unary(name: NativeUnary, x: tf.Tensor): tf.Tensor {
    return this.run(name, [x], [this.floatType('T')])[0];
  }

  /** `a + b`. */
  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.binary('AddV2', a, b);
  }

  /** `a − b`. */
  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.binary('Sub', a, b);
  }

  /** `a · b`. */
  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return this.binary('Mul', a, b);
  }

  /** A float32 scalar (written to the backend, no native op). */
  scalar(value: number): tf.Tensor {
    return tf.scalar(value, 'float32');
  }

  /**
   * `FusedBatchNormV3` on a 4-D `x` with per-channel `scale`, `offset` and, when not
   * training, `mean` and `variance` (empty tensors when training). Returns `y` and, when
   * training, the batch mean and the batch variance with Bessel's correction (outputs 1 and
   * 2, whose meaning is the same on every device, unlike the reserve spaces).
   */
  fusedBatchNorm(
    x: tf.Tensor,
    scale: tf.Tensor,
    offset: tf.Tensor,
    mean: tf.Tensor,
    variance: tf.Tensor,
    settings: BatchNormSettings,
  ): {y: tf.Tensor; mean: tf.Tensor; besselVariance: tf.Tensor} {
    const attrs = [...this.batchNormAttrs(settings), this.float('exponential_avg_factor', 1)];
    const [y, batchMean, batchVariance] = this.run(
      'FusedBatchNormV3',
      [x, scale, offset, mean, variance],
      attrs,
      6,
    );
    return {y, mean: batchMean, besselVariance: batchVariance};
  }

  /**
   * `FusedBatchNormGradV3`: with `training`, the gradient through batch statistics, else
   * through constant ones. `mean` and `variance` (biased) go in as the reserve spaces, which
   * is what they hold on the cpu; callers keep this op off GPUs, where cuDNN keeps other
   * values there.
   */
  fusedBatchNormGrad(
    dy: tf.Tensor,
    x: tf.Tensor,
    scale: tf.Tensor,
    mean: tf.Tensor,
    variance: tf.Tensor,
    settings: BatchNormSettings,
  ): BatchNormGrads {
    const reserve = tf.tensor1d([], 'float32');
    const [dx, dscale, doffset] = this.run(
      'FusedBatchNormGradV3',
      [dy, x, scale, mean, variance, reserve],
      this.batchNormAttrs(settings),
      5,
    );
    return {dx, dscale, doffset};
  }

  private batchNormAttrs(settings: BatchNormSettings): NativeAttr[] {
    return [
      this.floatType('T'),
      this.floatType('U'),
      this.float('epsilon', settings.epsilon),
      {name: 'data_format', type: this.binding.TF_ATTR_STRING, value: settings.format},
      {name: 'is_training', type: this.binding.TF_ATTR_BOOL, value: settings.training},
    ];
  }

  private ints(values: number[]): tf.Tensor {
    return tf.tensor1d(values, 'int32');
  }

  private float(name: string, value: number): NativeAttr {
    return {name, type: this.binding.TF_ATTR_FLOAT, value};
  }

  private floatType(name: string): NativeAttr {
    return {name, type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_FLOAT};
  }

  private intType(name: string): NativeAttr {
    return {name, type: this.binding.TF_ATTR_TYPE, value: this.binding.TF_INT32};
  }
}
