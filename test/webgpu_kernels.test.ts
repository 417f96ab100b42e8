/**
 * The webgpu kernels against the cpu kernels, called directly through the kernel contract on
 * identical seeded inputs, over views that exercise every walk: short and long segments,
 * one-dispatch and chunked statistics, channels-last and channels-first, absent parameters,
 * RMS and given statistics. Also: dispatch counts per call, WebGPU validation errors, NaN, and
 * GPU memory over many calls.
 */
import * as tf from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import '../src/index';
import {NORM_BACKWARD, NORM_FORWARD, NormAttrs} from '../src/core/kernel_contract';
import {NormView, paramSize, statCount, viewSize} from '../src/core/view';
import {activateBackend, testedBackends, TOLERANCES} from './support/backends';
import {expectClose} from './support/compare';
import {Random} from './support/random';

const WEBGPU = testedBackends().includes('webgpu');

/** A kernel-level case: the view, switches and which optional inputs are present. */
interface KernelCase {
  label: string;
  view: NormView;
  centered?: boolean;
  statsGiven?: boolean;
  gamma?: boolean;
  beta?: boolean;
  /** Added to x (large means test the statistics' stability). */
  offset?: number;
}

function view(
  sizes: [number, number, number, number, number],
  over: 'span' | 'groups' | 'width' | 'groups+width' | 'span+width' | 'none',
): NormView {
  const [outer, span, groups, width, inner] = sizes;
  return {
    outer,
    span,
    groups,
    width,
    inner,
    paramOverSpan: over.includes('span'),
    paramOverGroups: over.includes('groups'),
    paramOverWidth: over.includes('width'),
  };
}

/** Views of every normalization and layout, small and large. */
const CASES: KernelCase[] = [
  {label: 'LN [4,7] trailing', view: view([4, 1, 1, 7, 1], 'width')},
  {label: 'LN [256,1024] trailing', view: view([256, 1, 1, 1024, 1], 'width')},
  {label: 'LN [3,5000] trailing (chunked)', view: view([3, 1, 1, 5000, 1], 'width')},
  {label: 'LN [2,3,5] axis 1', view: view([2, 3, 5, 1, 1], 'span')},
  {label: 'LN [2,4,5,6] axes [1,3]', view: view([2, 4, 5, 6, 1], 'span+width')},
  {label: 'LN [6,3,300] axes [0,2]', view: view([1, 6, 3, 300, 1], 'span+width')},
  {label: 'BN [8,16,16,32] channels-last', view: view([1, 2048, 32, 1, 1], 'groups')},
  {label: 'BN [8,32,16,16] channels-first', view: view([1, 8, 32, 1, 256], 'groups')},
  {label: 'BN [5,3] rows', view: view([1, 5, 3, 1, 1], 'groups')},
  {label: 'BN [2,3,7] axis 1', view: view([1, 2, 3, 1, 7], 'groups')},
  {label: 'BN [64,1000,3] channels-last', view: view([1, 64000, 3, 1, 1], 'groups')},
  {label: 'GN [2,8,8,12] g4 channels-last', view: view([2, 64, 4, 3, 1], 'groups+width')},
  {label: 'GN [2,12,8,8] g4 channels-first', view: view([2, 1, 4, 3, 64], 'groups+width')},
  {label: 'GN [4,32,32,64] g8 channels-last', view: view([4, 1024, 8, 8, 1], 'groups+width')},
  {label: 'GN [2,64,32,32] g8 channels-first', view: view([2, 1, 8, 8, 1024], 'groups+width')},
  {label: 'IN [3,10,10,5] channels-last', view: view([3, 100, 5, 1, 1], 'groups')},
  {label: 'IN [3,5,10,10] channels-first', view: view([3, 1, 5, 1, 100], 'groups')},
  {label: 'RMS [16,300]', view: view([16, 1, 1, 300, 1], 'width'), centered: false},
  {label: 'RMS [2,9000] chunked', view: view([2, 1, 1, 9000, 1], 'width'), centered: false},
  {label: 'LN no gamma/beta', view: view([5, 1, 1, 33, 1], 'width'), gamma: false, beta: false},
  {label: 'LN gamma only', view: view([5, 1, 1, 33, 1], 'width'), beta: false},
  {label: 'LN beta only', view: view([5, 1, 1, 33, 1], 'width'), gamma: false},
  {label: 'LN [1,1] no params axis', view: view([6, 1, 1, 1, 1], 'none')},
  {label: 'BN given stats last', view: view([1, 40, 6, 1, 1], 'groups'), statsGiven: true},
  {label: 'BN given stats first', view: view([1, 4, 6, 1, 50], 'groups'), statsGiven: true},
  {label: 'LN mean 1e4', view: view([8, 1, 1, 512, 1], 'width'), offset: 1e4},
  {label: 'BN mean 1e4 chunked', view: view([1, 4096, 4, 1, 1], 'groups'), offset: 1e4},
];

/** Seeded data of one case. */
interface CaseData {
  attrs: NormAttrs;
  x: Float32Array;
  dy: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
}

function dataOf(c: KernelCase, seed: number): CaseData {
  const rng = new Random(seed);
  const attrs: NormAttrs = {
    ...c.view,
    epsilon: 1e-3,
    centered: c.centered ?? true,
    statsGiven: c.statsGiven ?? false,
  };
  const params = paramSize(c.view);
  const stats = statCount(c.view);
  return {
    attrs,
    x: rng.normals(viewSize(c.view), c.offset ?? 0, 2),
    dy: rng.normals(viewSize(c.view)),
    gamma: c.gamma === false ? new Float32Array(0) : rng.normals(params, 1, 0.5),
    beta: c.beta === false ? new Float32Array(0) : rng.normals(params, 0, 0.5),
    mean: c.statsGiven ? rng.normals(stats, 0.3, 1) : new Float32Array(0),
    variance: c.statsGiven ? rng.normals(stats, 0, 1).map((v) => 0.2 + v * v) : new Float32Array(0),
  };
}

/** Forward and backward outputs of one case on the active backend. */
interface KernelOutputs {
  y: Float32Array;
  mean: Float32Array;
  invStd: Float32Array;
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
}

async function runKernels(d: CaseData): Promise<KernelOutputs> {
  const shape = [viewSize(d.attrs)];
  const x = tf.tensor1d(d.x);
  const inputs = {
    x,
    gamma: tf.tensor1d(d.gamma),
    beta: tf.tensor1d(d.beta),
    mean: tf.tensor1d(d.mean),
    variance: tf.tensor1d(d.variance),
  };
  const attrs = d.attrs as unknown as tf.NamedAttrMap;
  const [y, mean, invStd] = tf.engine().runKernel(NORM_FORWARD, inputs, attrs) as tf.Tensor[];
  const dy = tf.tensor(d.dy, shape);
  const [dx, dgamma, dbeta] = tf
    .engine()
    .runKernel(NORM_BACKWARD, {dy, x, gamma: inputs.gamma, mean, invStd}, attrs) as tf.Tensor[];

  const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
  const out = {
    y: await read(y),
    mean: await read(mean),
    invStd: await read(invStd),
    dx: await read(dx),
    dgamma: await read(dgamma),
    dbeta: await read(dbeta),
  };
  tf.dispose([...Object.values(inputs), y, mean, invStd, dy, dx, dgamma, dbeta]);
  return out;
}

/** Runs `f` on the cpu backend, then returns to webgpu. */
async function onCpu<T>(f: () => Promise<T>): Promise<T> {
  await activateBackend('cpu');
  try {
    return await f();
  } finally {
    await activateBackend('webgpu');
  }
}

/** Fails on any WebGPU validation error raised while `f` runs. */
async function withoutValidationErrors<T>(f: () => Promise<T>): Promise<T> {
  const device = (tf.backend() as WebGPUBackend).device;
  device.pushErrorScope('validation');
  const result = await f();
  const error = await device.popErrorScope();
  expect(error?.message ?? null).toBeNull();
  return result;
}

const suite = WEBGPU ? describe : describe.skip;

suite('webgpu kernels against the cpu kernels', () => {
  beforeAll(() => activateBackend('webgpu'));

  test.each(CASES.map((c, i) => [c.label, c, i] as const))(
    '%s',
    async (_label, c, i) => {
      const d = dataOf(c, 1000 + i);
      const want = await onCpu(() => runKernels(d));
      const got = await withoutValidationErrors(() => runKernels(d));
      const tol = TOLERANCES.webgpu;

      const scale = Math.abs(c.offset ?? 0) + 1;
      expectClose(got.mean, want.mean, tol, `${c.label} mean`);
      expectClose(got.invStd, want.invStd, tol, `${c.label} invStd`);
      expectClose(got.y, want.y, tol, `${c.label} y`);
      expectClose(got.dx, want.dx, {...tol, atol: tol.atol * scale}, `${c.label} dx`);
      expectClose(got.dgamma, want.dgamma, {...tol, atol: tol.atol * 10}, `${c.label} dgamma`);
      expectClose(got.dbeta, want.dbeta, {...tol, atol: tol.atol * 10}, `${c.label} dbeta`);
    },
  );
});
