/**
 * The `tensorflow` (tfjs-node) kernels against the `cpu` kernels, called directly through
 * `runKernel` on identical seeded inputs: forward (`y`, `mean`, `invStd`) and backward (`dx`,
 * `dgamma`, `dbeta`) over every kind of view, plus a leak check. Skipped when the run does not
 * include the tensorflow backend.
 */
import * as tf from '@tensorflow/tfjs';

import '../src/index';
import {NORM_BACKWARD, NORM_FORWARD, NormAttrs} from '../src/core/kernel_contract';
import {NormView, paramSize, statCount} from '../src/core/view';
import {batchView, groupView, layerView} from '../src/core/view_builders';
import {activateBackend, testedBackends, Tolerance} from './support/backends';
import {expectClose, withCancellation} from './support/compare';
import {Random} from './support/random';

/** One kernel call: a view over `shape` and the data to feed both backends. */
interface KernelCase {
  id: string;
  shape: number[];
  attrs: NormAttrs;
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dy: Float32Array;
}

/** Float32 values of every output of one kernel call. */
type Outputs = Float32Array[];

/** Agreement sought between two float32 implementations (the cpu one sums in float64). */
const TOLERANCE: Tolerance = {atol: 1e-5, rtol: 2e-5};

const EMPTY = new Float32Array(0);

interface CaseOptions {
  centered?: boolean;
  statsGiven?: boolean;
  scale?: boolean;
  center?: boolean;
  offset?: number;
  std?: number;
}

function makeCase(
  rng: Random,
  id: string,
  shape: number[],
  view: NormView,
  options: CaseOptions = {},
): KernelCase {
  const {centered = true, statsGiven = false, scale = true, center = true} = options;
  const size = shape.reduce((p, s) => p * s, 1);
  const params = paramSize(view);
  const stats = statCount(view);
  return {
    id:
      `${id} [${shape}] view [${view.outer},${view.span},${view.groups},${view.width},` +
      `${view.inner}]${centered ? '' : ' rms'}${statsGiven ? ' given' : ''}` +
      `${scale ? '' : ' no-gamma'}${center ? '' : ' no-beta'}`,
    shape,
    attrs: {...view, epsilon: rng.pick([1e-3, 1e-5, 0.1]), centered, statsGiven},
    x: rng.normals(size, options.offset ?? rng.pick([0, 0, 3, -20]), options.std ?? 2),
    gamma: scale ? rng.normals(params, 1, 0.5) : EMPTY,
    beta: center ? rng.normals(params, 0, 0.5) : EMPTY,
    mean: statsGiven ? rng.normals(stats, 0.5, 1) : EMPTY,
    variance: statsGiven ? rng.normals(stats).map((v) => 0.2 + v * v) : EMPTY,
    dy: rng.normals(size),
  };
}

/** Every layout the package produces, with both switches of center and scale. */
function allCases(): KernelCase[] {
  const rng = new Random(2468);
  const cases: KernelCase[] = [];
  const add = (id: string, shape: number[], view: NormView, options?: CaseOptions) =>
    cases.push(makeCase(rng, id, shape, view, options));

  add('LN trailing', [6, 33], layerView([6, 33], [1]).view);
  add('LN trailing rank 3', [2, 5, 64], layerView([2, 5, 64], [2]).view);
  add('LN two trailing axes', [3, 4, 5, 6], layerView([3, 4, 5, 6], [2, 3]).view);
  add('LN axis [1,3]', [2, 3, 4, 5], layerView([2, 3, 4, 5], [1, 3]).view);
  add('LN axis 1', [3, 7, 5], layerView([3, 7, 5], [1]).view);
  add('LN axis 1 rank 2', [4, 9], layerView([4, 9], [1]).view);
  add('LN axis 0', [5, 4], layerView([5, 4], [0]).view);
  add('LN no gamma', [4, 17], layerView([4, 17], [1]).view, {scale: false});
  add('LN no beta', [4, 17], layerView([4, 17], [1]).view, {center: false});
  add('LN neither', [4, 17], layerView([4, 17], [1]).view, {scale: false, center: false});
  add('LN long rows', [3, 5000], layerView([3, 5000], [1]).view);

  for (const rank of [2, 3, 4, 5]) {
    const shape = [3, 4, 5, 6, 2].slice(0, rank);
    add(`BN channels-last rank ${rank}`, shape, batchView(shape, rank - 1));
    add(`BN channels-first rank ${rank}`, shape, batchView(shape, 1));
    add(`BN given rank ${rank}`, shape, batchView(shape, rank - 1), {statsGiven: true});
    add(`BN given channels-first rank ${rank}`, shape, batchView(shape, 1), {statsGiven: true});
  }
  add('BN middle axis', [2, 3, 4, 5], batchView([2, 3, 4, 5], 2));
  add('BN no gamma', [8, 6], batchView([8, 6], 1), {scale: false});
  add('BN no beta', [2, 4, 3, 3], batchView([2, 4, 3, 3], 1), {center: false});
  add('BN given neither', [7, 5], batchView([7, 5], 1), {
    statsGiven: true,
    scale: false,
    center: false,
  });
  add('BN long batch', [3000, 3], batchView([3000, 3], 1));

  for (const groups of [1, 2, 4, 8]) {
    add(`GN channels-last ${groups}`, [2, 5, 3, 8], groupView([2, 5, 3, 8], 3, groups));
    add(`GN channels-first ${groups}`, [2, 8, 5, 3], groupView([2, 8, 5, 3], 1, groups));
  }
  add('GN rank 3', [3, 7, 6], groupView([3, 7, 6], 2, 3));
  add('GN no gamma', [2, 4, 4, 6], groupView([2, 4, 4, 6], 3, 3), {scale: false});
  add('GN no beta', [2, 6, 4, 4], groupView([2, 6, 4, 4], 1, 2), {center: false});
  add('IN channels-last', [2, 4, 5, 6], groupView([2, 4, 5, 6], 3, 6));
  add('IN channels-first', [2, 6, 4, 5], groupView([2, 6, 4, 5], 1, 6));
  add('IN rank 5', [2, 3, 3, 4, 3], groupView([2, 3, 3, 4, 3], 4, 3));

  add('RMS trailing', [5, 24], layerView([5, 24], [1]).view, {centered: false});
  add('RMS no scale', [5, 24], layerView([5, 24], [1]).view, {centered: false, scale: false});
  add('RMS axis 1', [3, 6, 4], layerView([3, 6, 4], [1]).view, {centered: false});
  add('RMS axis [1,3]', [2, 3, 4, 5], layerView([2, 3, 4, 5], [1, 3]).view, {centered: false});
  add('RMS with beta', [4, 10], layerView([4, 10], [1]).view, {centered: false, center: true});
  add('RMS groups', [2, 5, 6], groupView([2, 5, 6], 2, 3), {centered: false});
  add('given LN', [4, 9], layerView([4, 9], [1]).view, {statsGiven: true});
  add('given GN', [2, 3, 8], groupView([2, 3, 8], 2, 4), {statsGiven: true});
  add('single element groups', [4, 6], batchView([4, 6], 0));
  add('one element per group', [1, 5], batchView([1, 5], 1));
  add('one element in all', [1, 1], layerView([1, 1], [1]).view);
  add('GN one element per group', [2, 3], groupView([2, 3], 1, 3));
  add('one element per group given', [1, 5], batchView([1, 5], 1), {statsGiven: true});

  // Sizes that switch paths: FusedBatchNorm ops from 2^17 elements, not above 2^18 per group.
  add('large BN given', [8, 16, 16, 64], batchView([8, 16, 16, 64], 3), {statsGiven: true});
  add('large BN given channels-first', [8, 64, 16, 16], batchView([8, 64, 16, 16], 1), {
    statsGiven: true,
    scale: false,
  });
  add('large LN', [128, 1024], layerView([128, 1024], [1]).view);
  add('large GN channels-first', [4, 32, 32, 32], groupView([4, 32, 32, 32], 1, 4));
  add('large IN channels-first', [4, 32, 32, 32], groupView([4, 32, 32, 32], 1, 32));
  add('huge BN groups', [300000, 2], batchView([300000, 2], 1), {offset: 100});
  add('large mean LN', [4, 512], layerView([4, 512], [1]).view, {offset: 1e4, std: 1});
  add('large mean BN', [4096, 4], batchView([4096, 4], 1), {offset: 1e4, std: 1});
  add('large mean GN', [2, 16, 8], groupView([2, 16, 8], 2, 2), {offset: 1e4, std: 1});
  return cases;
}

function inputsOf(c: KernelCase) {
  return {
    x: tf.tensor(c.x, c.shape),
    gamma: tf.tensor1d(c.gamma),
    beta: tf.tensor1d(c.beta),
    mean: tf.tensor1d(c.mean),
    variance: tf.tensor1d(c.variance),
  };
}

function runForward(c: KernelCase): Outputs {
  const inputs = inputsOf(c);
  const outs = tf.engine().runKernel(NORM_FORWARD, inputs, {...c.attrs}) as tf.Tensor[];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  expect(outs[0].shape).toEqual(c.shape);
  expect(outs.slice(1).map((t) => t.shape)).toEqual([[statCount(c.attrs)], [statCount(c.attrs)]]);
  tf.dispose([...outs, ...Object.values(inputs)]);
  return values;
}

function runBackward(c: KernelCase, saved: Outputs): Outputs {
  const inputs = {
    dy: tf.tensor(c.dy, c.shape),
    x: tf.tensor(c.x, c.shape),
    gamma: tf.tensor1d(c.gamma),
    mean: tf.tensor1d(saved[1]),
    invStd: tf.tensor1d(saved[2]),
  };
  const outs = tf.engine().runKernel(NORM_BACKWARD, inputs, {...c.attrs}) as tf.Tensor[];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  expect(outs[0].shape).toEqual(c.shape);
  expect(outs.slice(1).map((t) => t.shape)).toEqual([[paramSize(c.attrs)], [paramSize(c.attrs)]]);
  tf.dispose([...outs, ...Object.values(inputs)]);
  return values;
}

/** Largest `|v|` over `values`, the scale of float32 rounding in a difference of them. */
function scaleOf(...values: ArrayLike<number>[]): number {
  let m = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++) {
      m = Math.max(m, Math.abs(v[i]));
    }
  }
  return m;
}

const tensorflowTested = testedBackends().includes('tensorflow');
const describeTensorflow = tensorflowTested ? describe : describe.skip;

describeTensorflow('tensorflow kernels against the cpu kernels', () => {
  const cases = allCases();
  const cpu = new Map<string, {forward: Outputs; backward: Outputs}>();

  beforeAll(async () => {
    await activateBackend('tensorflow');
    await activateBackend('cpu');
    for (const c of cases) {
      const forward = runForward(c);
      cpu.set(c.id, {forward, backward: runBackward(c, forward)});
    }
    await activateBackend('tensorflow');
    expect(tf.getBackend()).toBe('tensorflow');
  });

  test.each(cases.map((c) => [c.id, c] as const))('forward %s', (_, c) => {
    const expected = cpu.get(c.id)!.forward;
    const actual = runForward(c);
    // y rounds terms as large as x̂ · gamma and beta; the mean is subtracted exactly, so a
    // large mean costs nothing (a float32 mean alone would cost ulp(mean) · invStd).
    const xhatScale = scaleOf(c.x.map((v) => v - expected[1][0])) * scaleOf(expected[2]);
    const yScale = xhatScale * Math.max(1, scaleOf(c.gamma)) + scaleOf(c.beta);
    expectClose(actual[0], expected[0], withCancellation(TOLERANCE, yScale), `${c.id} y`);
    expectClose(actual[1], expected[1], TOLERANCE, `${c.id} mean`);
    expectClose(actual[2], expected[2], TOLERANCE, `${c.id} invStd`);
  });

  test.each(cases.map((c) => [c.id, c] as const))('backward %s', (_, c) => {
    const {forward, backward: expected} = cpu.get(c.id)!;
    const actual = runBackward(c, forward);
    // dx is a difference of terms as large as invStd · dy · gamma · (1 + |x̂|).
    const xhatScale = 1 + scaleOf(c.x, forward[1]) * scaleOf(forward[2]);
    const dxScale = scaleOf(forward[2]) * scaleOf(c.dy) * Math.max(1, scaleOf(c.gamma));
    const dxTolerance = withCancellation(TOLERANCE, dxScale * xhatScale);
    // Parameter gradients sum many terms: float32 sums of n terms lose about √n ulps.
    const sumTolerance = withCancellation(TOLERANCE, scaleOf(c.dy) * xhatScale);
    expectClose(actual[0], expected[0], dxTolerance, `${c.id} dx`);
    expectClose(actual[1], expected[1], sumTolerance, `${c.id} dgamma`);
    expectClose(actual[2], expected[2], sumTolerance, `${c.id} dbeta`);
  });

  test('100 forward and backward calls on each path leak no tensor', () => {
    // One case per path: element-wise chain, fused training, fused inference, fused gradient
    // of a layer norm, RMS, given statistics without a fused op.
    const prefixes = [
      'GN channels-last 4',
      'BN channels-last rank 4',
      'large BN given [',
      'large LN',
    ];
    const paths = [...prefixes, 'RMS trailing', 'given GN'].map((p) =>
      cases.find((k) => k.id.startsWith(p))!,
    );
    const before = tf.memory().numTensors;
    for (const c of paths) {
      for (let i = 0; i < 100; i++) {
        runBackward(c, runForward(c));
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  test('errors name the kernel and the wrong input', () => {
    const c = cases[0];
    const x = tf.tensor(c.x, c.shape);
    const gamma = tf.ones([3]);
    const empty = tf.tensor1d([]);
    const before = tf.memory().numTensors;
    const forward = () =>
      tf
        .engine()
        .runKernel(
          NORM_FORWARD,
          {x, gamma, beta: empty, mean: empty, variance: empty},
          {...c.attrs},
        );
    expect(forward).toThrow(
      /TfnNormForward \(tensorflow\): input 'gamma' must be empty or hold 33/,
    );
    const backward = () =>
      tf.engine().runKernel(
        NORM_BACKWARD,
        {dy: x, x, gamma: empty, mean: empty, invStd: empty},
        {
          ...c.attrs,
        },
      );
    expect(backward).toThrow(/TfnNormBackward \(tensorflow\): input 'mean' must hold 6/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, gamma, empty]);
  });
});
