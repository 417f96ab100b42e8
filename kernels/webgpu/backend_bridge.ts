import type {TensorInfo} from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

/**
 * The members of tfjs 4.22's `WebGPUBackend` that its own `runWebGPUProgram` uses to record a
 * dispatch, and that a program with several outputs needs too. Most are private in the
 * typings; they are read here under their real names, in one place.
 */
export interface BackendInternals {
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  commandQueueOwnedIds: WeakSet<object>;
  dispatchCountInPass: number;
  activeTimers?: Array<{name: string; query: Promise<number>}> | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  tensorMap: {get(dataId: object): {resource?: unknown} | undefined};
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  makeUniforms(fields: Array<{type: string; data: number[]}>): GPUBufferBinding;
  getQueryTime(): Promise<number>;
}

/** The backend seen through {@link BackendInternals}. */
export function internalsOf(backend: WebGPUBackend): BackendInternals {
  return backend as unknown as BackendInternals;
}

/**
 * The storage buffer of a tensor, uploaded first when its values are still on the cpu.
 *
 * @param kernel - Kernel name, for the error message.
 * @param name - Input or output name, for the error message.
 */
export function bufferOf(
  backend: WebGPUBackend,
  t: TensorInfo,
  kernel: string,
  name: string,
): GPUBuffer {
  const internals = internalsOf(backend);
  internals.uploadToGPU(t.dataId);
  const resource = internals.tensorMap.get(t.dataId)?.resource as GPUBuffer | undefined;
  if (resource === undefined || typeof resource.size !== 'number') {
    throw new Error(`${kernel} (webgpu): '${name}' is not held in a GPU buffer`);
  }
  return resource;
}

/** A new float32 tensor of the backend, its GPU buffer not yet allocated. */
export function newTensor(backend: WebGPUBackend, shape: number[]): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32');
}
