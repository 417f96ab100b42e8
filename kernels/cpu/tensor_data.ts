import type {TensorInfo} from '@tensorflow/tfjs';
import type {MathBackendCPU} from '@tensorflow/tfjs-backend-cpu';

/** The float32 values of a cpu tensor, without copying. */
export function valuesOf(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  return backend.data.get(t.dataId).values as Float32Array;
}

/** The values of an optional parameter, or `fill` repeated `size` times when it is absent. */
export function paramOrConstant(
  backend: MathBackendCPU,
  t: TensorInfo,
  size: number,
  fill: number,
): Float32Array {
  const values = valuesOf(backend, t);
  return values.length > 0 ? values : new Float32Array(size).fill(fill);
}
