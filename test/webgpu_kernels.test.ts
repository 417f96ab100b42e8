/**
 * The webgpu kernels against the cpu kernels, called directly through the kernel contract on
 * identical seeded inputs, over views that exercise every walk (kernels/webgpu/walk.ts): both
 * lane styles, short and long segments, one-dispatch and chunked statistics, scalar and vec4
 * elements, channels-last and channels-first, absent parameters, RMS and given statistics.
 * Also: dispatches per call, WebGPU validation errors, NaN, and GPU memory over many calls.
 */
import * as tf from '@tensorflow/tfjs';
import type {WebGPUBackend} from '@tensorflow/tfjs-backend-webgpu';

import '../src/index';
import {LANE_STYLE_FLAG} from '../src/flags';
import {NORM_BACKWARD, NORM_FORWARD, NormAttrs} from '../src/core/kernel_contract';
import {NormView, paramSize, statCount, viewSize} from '../src/core/view';
import {planRowBlocks} from '../kernels/webgpu/row_blocks';
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

type ParamAxes = 'span' | 'groups' | 'width' | 'groups+width' | 'span+width' | 'none';

function view(sizes: [number, number, number, number, number], over: ParamAxes): NormView {
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
  {label: 'LN [6,12] trailing (vec4)', view: view([6, 1, 1, 12, 1], 'width')},
  {label: 'LN [256,1024] trailing', view: view([256, 1, 1, 1024, 1], 'width')},
  {label: 'LN [3,5000] trailing (chunked)', view: view([3, 1, 1, 5000, 1], 'width')},
  {label: 'LN [2,3,5] axis 1', view: view([2, 3, 5, 1, 1], 'span')},
  {label: 'LN [2,3,8] axis 1 (vec4 groups)', view: view([2, 3, 8, 1, 1], 'span')},
  {label: 'LN [2,4,5,6] axes [1,3]', view: view([2, 4, 5, 6, 1], 'span+width')},
  {label: 'LN [2,4,5,8] axes [1,3] (vec4)', view: view([2, 4, 5, 8, 1], 'span+width')},
  {label: 'LN [6,3,300] axes [0,2]', view: view([1, 6, 3, 300, 1], 'span+width')},
  {label: 'width params, inner 4 (vec4 splat)', view: view([3, 2, 1, 3, 4], 'width')},
  {label: 'BN [8,16,16,32] channels-last', view: view([1, 2048, 32, 1, 1], 'groups')},
  {label: 'BN [8,32,16,16] channels-first', view: view([1, 8, 32, 1, 256], 'groups')},
  {label: 'BN [5,3] rows', view: view([1, 5, 3, 1, 1], 'groups')},
  {label: 'BN [2,3,7] axis 1', view: view([1, 2, 3, 1, 7], 'groups')},
  {label: 'BN [64,1000,3] channels-last', view: view([1, 64000, 3, 1, 1], 'groups')},
  {label: 'BN [7,12] rows (vec4)', view: view([1, 7, 12, 1, 1], 'groups')},
  {label: 'GN [2,8,8,12] g4 channels-last', view: view([2, 64, 4, 3, 1], 'groups+width')},
  {label: 'GN [2,12,8,8] g4 channels-first', view: view([2, 1, 4, 3, 64], 'groups+width')},
  {label: 'GN [4,32,32,64] g8 channels-last', view: view([4, 1024, 8, 8, 1], 'groups+width')},
  {label: 'GN [2,64,32,32] g8 channels-first', view: view([2, 1, 8, 8, 1024], 'groups+width')},
  {label: 'IN [3,10,10,5] channels-last', view: view([3, 100, 5, 1, 1], 'groups')},
  {label: 'IN [2,6,6,8] channels-last (vec4)', view: view([2, 36, 8, 1, 1], 'groups')},
  {label: 'IN [3,5,10,10] channels-first', view: view([3, 1, 5, 1, 100], 'groups')},
  {label: 'RMS [16,300]', view: view([16, 1, 1, 300, 1], 'width'), centered: false},
  {label: 'RMS [5,7]', view: view([5, 1, 1, 7, 1], 'width'), centered: false},
  {label: 'RMS [2,9000] chunked', view: view([2, 1, 1, 9000, 1], 'width'), centered: false},
  {label: 'LN no gamma/beta', view: view([5, 1, 1, 33, 1], 'width'), gamma: false, beta: false},
  {label: 'LN gamma only', view: view([5, 1, 1, 33, 1], 'width'), beta: false},
  {label: 'LN beta only (vec4)', view: view([5, 1, 1, 32, 1], 'width'), gamma: false},
  {label: 'LN [6,1] no params axis', view: view([6, 1, 1, 1, 1], 'none')},
  {label: 'BN given stats last', view: view([1, 40, 6, 1, 1], 'groups'), statsGiven: true},
  {label: 'BN given stats last (vec4)', view: view([1, 40, 8, 1, 1], 'groups'), statsGiven: true},
  {label: 'BN given stats first', view: view([1, 4, 6, 1, 50], 'groups'), statsGiven: true},
  {label: 'LN mean 1e4', view: view([8, 1, 1, 512, 1], 'width'), offset: 1e4},
  // Row blocks (solo lanes, kernels/webgpu/row_blocks.ts): 4, 2 and 1 rows per lane, several
  // blocks per lane, scalar rows, absent parameters, RMS and a large mean.
  {label: 'rows [512,64] (2 blocks per lane)', view: view([512, 1, 1, 64, 1], 'width')},
  {label: 'rows [64,36] (2 rows per lane)', view: view([64, 1, 1, 36, 1], 'width')},
  {label: 'rows [40,33] (scalar, 1 row per lane)', view: view([40, 1, 1, 33, 1], 'width')},
  {
    label: 'rows [128,20] no gamma/beta',
    view: view([128, 1, 1, 20, 1], 'width'),
    gamma: false,
    beta: false,
  },
  {label: 'rows [128,21] gamma only', view: view([128, 1, 1, 21, 1], 'width'), beta: false},
  {label: 'rows RMS [96,40]', view: view([96, 1, 1, 40, 1], 'width'), centered: false},
  {label: 'rows mean 1e4 [64,256]', view: view([64, 1, 1, 256, 1], 'width'), offset: 1e4},
  {label: 'BN mean 1e4 chunked', view: view([1, 4096, 4, 1, 1], 'groups'), offset: 1e4},
  {label: 'GN mean 1e4 channels-last', view: view([2, 500, 2, 3, 1], 'groups+width'), offset: 1e4},
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
  const params = paramSize(c.view);
  const stats = statCount(c.view);
  return {
    attrs: {
      ...c.view,
      epsilon: 1e-3,
      centered: c.centered ?? true,
      statsGiven: c.statsGiven ?? false,
    },
    x: rng.normals(viewSize(c.view), c.offset ?? 0, 2),
    dy: rng.normals(viewSize(c.view)),
    gamma: c.gamma === false ? new Float32Array(0) : rng.normals(params, 1, 0.5),
    beta: c.beta === false ? new Float32Array(0) : rng.normals(params, 0, 0.5),
    mean: c.statsGiven ? rng.normals(stats, 0.3, 1) : new Float32Array(0),
    variance: c.statsGiven ? rng.normals(stats, 0, 1).map((v) => 0.2 + v * v) : new Float32Array(0),
  };
}

/** Forward and backward outputs of one case on the active backend, and their dispatches. */
interface KernelOutputs {
  y: Float32Array;
  mean: Float32Array;
  invStd: Float32Array;
  dx: Float32Array;
  dgamma: Float32Array;
  dbeta: Float32Array;
  forwardDispatches: number;
  backwardDispatches: number;
}

/** Dispatches recorded while `f` runs (any program's, as WebGPU sees them). */
function countDispatches<T>(f: () => T): {result: T; dispatches: number} {
  const encoder = (globalThis as {GPUComputePassEncoder?: {prototype: GPUComputePassEncoder}})
    .GPUComputePassEncoder;
  if (encoder === undefined) {
    return {result: f(), dispatches: -1};
  }
  const proto = encoder.prototype;
  const original = proto.dispatchWorkgroups;
  let dispatches = 0;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...args) {
    dispatches++;
    return original.apply(this, args);
  };
  try {
    return {result: f(), dispatches};
  } finally {
    proto.dispatchWorkgroups = original;
  }
}

/** Runs both kernels on the active backend; on webgpu also checks their dispatch counts. */
async function runKernels(d: CaseData, checkDispatches = false): Promise<KernelOutputs> {
  const x = tf.tensor1d(d.x);
  const inputs = {
    x,
    gamma: tf.tensor1d(d.gamma),
    beta: tf.tensor1d(d.beta),
    mean: tf.tensor1d(d.mean),
    variance: tf.tensor1d(d.variance),
  };
  const dy = tf.tensor1d(d.dy);
  const attrs = d.attrs as unknown as tf.NamedAttrMap;

  const forward = countDispatches(
    () => tf.engine().runKernel(NORM_FORWARD, inputs, attrs) as tf.Tensor[],
  );
  const [y, mean, invStd] = forward.result;
  const backward = countDispatches(
    () =>
      tf
        .engine()
        .runKernel(NORM_BACKWARD, {dy, x, gamma: inputs.gamma, mean, invStd}, attrs) as tf.Tensor[],
  );
  const [dx, dgamma, dbeta] = backward.result;
  if (checkDispatches) {
    expect(forward.dispatches).toBeGreaterThanOrEqual(1);
    expect(forward.dispatches).toBeLessThanOrEqual(2);
    expect(backward.dispatches).toBeGreaterThanOrEqual(1);
    expect(backward.dispatches).toBeLessThanOrEqual(3);
  }

  const read = async (t: tf.Tensor) => (await t.data()) as Float32Array;
  const out = {
    y: await read(y),
    mean: await read(mean),
    invStd: await read(invStd),
    dx: await read(dx),
    dgamma: await read(dgamma),
    dbeta: await read(dbeta),
    forwardDispatches: forward.dispatches,
    backwardDispatches: backward.dispatches,
  };
  tf.dispose([...Object.values(inputs), y, mean, invStd, dy, dx, dgamma, dbeta]);
  return out;
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

suite('webgpu kernels', () => {
  const expected = new Map<number, KernelOutputs>();

  beforeAll(async () => {
    await activateBackend('cpu');
    for (let i = 0; i < CASES.length; i++) {
      expected.set(i, await runKernels(dataOf(CASES[i], 1000 + i)));
    }
    await activateBackend('webgpu');
  });

  afterAll(() => tf.env().set(LANE_STYLE_FLAG, ''));

  describe.each(['solo', 'cooperative'])('%s lanes', (style) => {
    beforeAll(() => tf.env().set(LANE_STYLE_FLAG, style));

    test.each(CASES.map((c, i) => [c.label, i] as const))(
      '%s: forward and backward match the cpu kernels',
      async (_label, i) => {
        const c = CASES[i];
        const want = expected.get(i) as KernelOutputs;
        const got = await withoutValidationErrors(() => runKernels(dataOf(c, 1000 + i), true));
        const tol = TOLERANCES.webgpu;
        // dx and the parameter sums are differences and sums of many terms of size ~1
        // (the offset scales x̂'s rounding): their absolute error grows accordingly.
        const scale = Math.abs(c.offset ?? 0) / 1e3 + 1;
        const sums = {...tol, atol: tol.atol * 10 * scale};

        expectClose(got.mean, want.mean, tol, `${c.label} mean`);
        expectClose(got.invStd, want.invStd, tol, `${c.label} invStd`);
        expectClose(got.y, want.y, tol, `${c.label} y`);
        expectClose(got.dx, want.dx, {...tol, atol: tol.atol * scale}, `${c.label} dx`);
        expectClose(got.dgamma, want.dgamma, sums, `${c.label} dgamma`);
        expectClose(got.dbeta, want.dbeta, sums, `${c.label} dbeta`);
      },
    );
  });

  test.each(['solo', 'cooperative'])(
    '%s lanes: one forward dispatch when a workgroup holds whole groups, else two',
    async (style) => {
      tf.env().set(LANE_STYLE_FLAG, style);
      const rows = await runKernels(
        dataOf({label: 'rows', view: view([256, 1, 1, 1024, 1], 'width')}, 1),
      );
      const channels = await runKernels(
        dataOf({label: 'channels', view: view([1, 64000, 4, 1, 1], 'groups')}, 2),
      );
      tf.env().set(LANE_STYLE_FLAG, '');
      expect([rows.forwardDispatches, rows.backwardDispatches]).toEqual([1, 2]);
      expect([channels.forwardDispatches, channels.backwardDispatches]).toEqual([2, 2]);
    },
  );

  test('statistics of mean 1e4, std 1 data keep a relative error below 1e-4', async () => {
    const c: KernelCase = {label: 'stable', view: view([4, 1, 1, 4096, 1], 'width')};
    const d = dataOf(c, 7);
    d.x = new Random(8).normals(d.x.length, 1e4, 1);
    const got = await runKernels(d);
    for (let row = 0; row < 4; row++) {
      const values = Array.from(d.x.subarray(row * 4096, (row + 1) * 4096));
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
      const invStd = 1 / Math.sqrt(variance + d.attrs.epsilon);
      expect(Math.abs(got.mean[row] - mean) / mean).toBeLessThan(1e-4);
      expect(Math.abs(got.invStd[row] - invStd) / invStd).toBeLessThan(1e-4);
    }
  });

  test.each([3, 64])(
    'NaN in a group gives NaN in that group only, without errors (%i rows)',
    async (rows) => {
      const c: KernelCase = {label: 'nan', view: view([rows, 1, 1, 64, 1], 'width')};
      const d = dataOf(c, 9);
      d.x[70] = NaN;
      const got = await withoutValidationErrors(() => runKernels(d));
      expect(Number.isNaN(got.mean[1])).toBe(true);
      expect(got.y.slice(64, 128).every(Number.isNaN)).toBe(true);
      expect(got.y.slice(0, 64).some(Number.isNaN)).toBe(false);
      expect(got.y.slice(128).some(Number.isNaN)).toBe(false);
      expect(got.dx.slice(0, 64).some(Number.isNaN)).toBe(false);
      expect(got.dx.slice(128).some(Number.isNaN)).toBe(false);
    },
  );

  test('GPU memory does not grow over 50 forward and backward calls', async () => {
    const views = [
      view([32, 1, 1, 96, 1], 'groups'),
      view([1, 5000, 8, 1, 1], 'groups'),
      view([64, 1, 1, 96, 1], 'width'),
    ];
    const cases = views.map((v, i) => dataOf({label: 'memory', view: v}, i));
    const round = async () => {
      for (const d of cases) {
        await runKernels(d);
      }
    };
    await round();
    const before = tf.memory() as tf.MemoryInfo & {numBytesInGPU: number};
    for (let i = 0; i < 50; i++) {
      await round();
    }
    const after = tf.memory() as tf.MemoryInfo & {numBytesInGPU: number};
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytesInGPU).toBeLessThanOrEqual(before.numBytesInGPU);
  });
});

describe('webgpu row-block plans', () => {
  const attrs = (v: NormView, statsGiven = false): NormAttrs => ({
    ...v,
    epsilon: 1e-3,
    centered: true,
    statsGiven,
  });

  test.each([
    ['[256,1024]', 4, 64, 256, [256, 1024]],
    ['[512,64]', 4, 64, 16, [512, 64]],
    ['[64,36]', 2, 32, 9, [64, 36]],
    ['[40,33]', 1, 40, 33, [40, 33]],
  ] as const)(
    'rows %s take blocks of %i rows over %i lanes, %i elements a row',
    (_label, rowsPerLane, lanes, rowElements, [rows, rowLength]) => {
      const plan = planRowBlocks(attrs(view([rows, 1, 1, rowLength, 1], 'width')), 'solo');
      expect(plan).toMatchObject({rowsPerLane, lanes, rowElements});
    },
  );

  test('other views, styles, given statistics and few or huge rows take the walks', () => {
    const rows = view([256, 1, 1, 1024, 1], 'width');
    expect(planRowBlocks(attrs(rows), 'cooperative')).toBeNull();
    expect(planRowBlocks(attrs(rows, true), 'solo')).toBeNull();
    expect(planRowBlocks(attrs(view([16, 1, 1, 1024, 1], 'width')), 'solo')).toBeNull();
    expect(planRowBlocks(attrs(view([64, 1, 1, 2 ** 20, 1], 'width')), 'solo')).toBeNull();
    expect(planRowBlocks(attrs(view([2, 64, 32, 1, 1], 'span')), 'solo')).toBeNull();
    expect(planRowBlocks(attrs(view([64, 1, 4, 3, 1], 'groups+width')), 'solo')).toBeNull();
    expect(planRowBlocks(attrs(view([64, 1, 1, 3, 4], 'width')), 'solo')).toBeNull();
  });
});
