/**
 * The backends the specs run on. Every spec calls {@link describeBackends}, which repeats its
 * suite once per backend available in this environment (detected once by global setup):
 *
 * - `cpu`: always.
 * - `tensorflow`: when `@tensorflow/tfjs-node`'s native binding loads (`npm run
 *   setup:tfjs-node` builds it).
 * - `webgpu`: when the npm `webgpu` package (Dawn) yields an adapter; on a machine without a
 *   GPU that is SwiftShader's Vulkan driver from Debian's `chromium` package. The backend's
 *   forwarding of small tensors to the cpu is turned off, so the GPU path is what is tested.
 *
 * - `chromium` (not a tfjs backend: an environment): when Debian's `chromium` and the npm
 *   `playwright-core` are installed, test/browser.test.ts runs its specs in a headless Chromium
 *   page on the browser's own `webgpu` and `webgl` backends.
 *
 * `TFN_TEST_BACKENDS=cpu,webgpu` restricts the list; a listed backend that is unavailable
 * fails the run instead of being skipped, so CI cannot silently test less.
 */
import * as tf from '@tensorflow/tfjs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {installWebgpu, loadTfjsNode} = require('../../scripts/optional-backends.js');

/** Precision used by every comparison on a backend (the README's tolerance table). */
export interface Tolerance {
  /** Absolute tolerance. */
  atol: number;
  /** Relative tolerance, added to the absolute one: `|a − e| ≤ atol + rtol · |e|`. */
  rtol: number;
}

/**
 * Tolerances per backend, the one place they are set. All compute in float32; cpu sums in
 * float64; GPU reductions sum in float32 in a tree order.
 */
export const TOLERANCES: Record<string, Tolerance> = {
  cpu: {atol: 1e-5, rtol: 1e-4},
  tensorflow: {atol: 1e-5, rtol: 1e-4},
  webgpu: {atol: 1e-4, rtol: 1e-3},
};

/** The backends and environments global setup found (jest collects suites synchronously). */
function available(): string[] {
  const list = process.env.TFN_AVAILABLE_BACKENDS;
  return list === undefined || list === '' ? ['cpu'] : list.split(',');
}

/** tfjs backends to test in Node. */
export function testedBackends(): string[] {
  return available().filter((name) => name !== 'chromium');
}

/** Whether the browser specs run (headless Chromium). */
export function browserTested(): boolean {
  return available().includes('chromium');
}

/** Loads (in this test file's context) and activates one backend. */
export async function activateBackend(backend: string): Promise<void> {
  if (backend === 'tensorflow' && !loadTfjsNode(tf)) {
    throw new Error('backend tensorflow: @tensorflow/tfjs-node failed to load');
  }
  if (backend === 'webgpu' && !installWebgpu()) {
    throw new Error('backend webgpu: no WebGPU implementation could be loaded');
  }
  if (!(await tf.setBackend(backend))) {
    throw new Error(`backend ${backend} failed to initialize`);
  }
  if (backend === 'webgpu') {
    tf.env().set('WEBGPU_CPU_FORWARD', false);
  }
}

interface ErrorScopes {
  pushErrorScope(filter: string): void;
  popErrorScope(): Promise<{message: string} | null>;
}

/** The WebGPU device of the active webgpu backend. */
function gpuDevice(): ErrorScopes {
  return (tf.backend() as unknown as {device: ErrorScopes}).device;
}

/**
 * Runs `suite` once per tested backend, with that backend active for each of its tests. The
 * suite receives the backend name and its tolerance. On webgpu every test runs inside a
 * validation error scope and fails on any WebGPU validation error.
 */
export function describeBackends(
  title: string,
  suite: (backend: string, tolerance: Tolerance) => void,
): void {
  for (const backend of testedBackends()) {
    describe(`${title} [${backend}]`, () => {
      beforeAll(() => activateBackend(backend));
      if (backend === 'webgpu') {
        beforeEach(() => gpuDevice().pushErrorScope('validation'));
        afterEach(async () => {
          const error = await gpuDevice().popErrorScope();
          if (error !== null) {
            throw new Error(`WebGPU validation error: ${error.message}`);
          }
        });
      }
      suite(backend, TOLERANCES[backend]);
    });
  }
}
