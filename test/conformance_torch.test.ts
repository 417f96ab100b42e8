/**
 * Conformance with PyTorch 2.13 (fixtures/data/torch_cases.json, see fixtures/README.md): each
 * torch.nn module case is rebuilt as a tfjs-norm layer from the torch constructor arguments,
 * translating the conventions explicitly here (not from the fixture's `keras_equivalent`):
 *
 * - layout: torch is channels-first, so GroupNorm, InstanceNorm2d and BatchNorm2d normalize per
 *   axis 1 (`axis: 1`); LayerNorm and RMSNorm normalize the trailing `normalized_shape` axes
 *   (`axis: [rank − k, …, rank − 1]`);
 * - epsilon: torch's defaults (1e-5; RMSNorm `eps=None` is float32 machine epsilon), checked
 *   against the `eps_used` torch reports;
 * - parameters: `weight` → gamma (RMSNorm: scale), `bias` → beta; `affine=False` /
 *   `elementwise_affine=False` switch both off, LayerNorm `bias=False` only beta; an RMSNorm
 *   without affine weight is `scale = 1`;
 * - momentum: torch `running = (1 − m)·running + m·batch`, Keras/tfjs-norm
 *   `moving = m'·moving + (1 − m')·batch`, so `m' = 1 − m`;
 * - running variance: torch averages the unbiased batch variance (× n/(n − 1), n elements per
 *   channel), tfjs-norm the biased one; the moving variance is converted per step below.
 *
 * Compared: outputs, gradients of `sum(y · upstream)` (input, weight, bias), and for
 * BatchNorm2d the training and eval outputs and gradients and the running statistics after
 * three steps. Tolerance `|a − e| ≤ 1e-5 + 1e-5 · |e|` on cpu and tensorflow, the backend's
 * own on webgpu.
 */
import * as fs from 'fs';
import * as path from 'path';

import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {describeBackends, Tolerance} from './support/backends';
import {expectClose} from './support/compare';
import {expectTensor, shortName, TensorJson, tensorOf} from './support/fixture_tensors';

interface RunningStats {
  running_mean: number[];
  running_var: number[];
  num_batches_tracked: number;
}

type TorchModule = 'GroupNorm' | 'LayerNorm' | 'RMSNorm' | 'InstanceNorm2d' | 'BatchNorm2d';

interface TorchCase {
  name: string;
  module: TorchModule;
  params: Record<string, unknown>;
  eps_used: number;
  input: TensorJson;
  weight: TensorJson | null;
  bias: TensorJson | null;
  upstream: TensorJson;
  output: TensorJson;
  grads: Record<string, TensorJson>;
  running_initial?: {running_mean: TensorJson; running_var: TensorJson};
  output_eval?: TensorJson;
  grads_eval?: Record<string, TensorJson>;
  reduction_size?: number;
  running_after_steps?: {
    batches: TensorJson[];
    running_mean: TensorJson;
    running_var: TensorJson;
    history: RunningStats[];
  };
}

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'data', 'torch_cases.json');
const CASES: TorchCase[] = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')).cases;

const STRICT_TOLERANCE: Tolerance = {atol: 1e-5, rtol: 1e-5};
const GPU_BACKENDS = ['webgpu'];

/** torch's default `eps`; RMSNorm's `eps=None` is `torch.finfo(float32).eps` = 2⁻²³. */
const TORCH_DEFAULT_EPS: Record<TorchModule, number> = {
  GroupNorm: 1e-5,
  LayerNorm: 1e-5,
  RMSNorm: 2 ** -23,
  InstanceNorm2d: 1e-5,
  BatchNorm2d: 1e-5,
};

/** torch's default BatchNorm momentum. */
const TORCH_DEFAULT_MOMENTUM = 0.1;

/** The layer equivalent to a torch module, with the parameter names it maps torch's to. */
interface Equivalent {
  layer: tf.layers.Layer;
  /** tfjs-norm weight short name for torch `weight` and `bias` (absent ones omitted). */
  names: {weight?: string; bias?: string};
}

function epsilonOf(c: TorchCase): number {
  const eps = c.params.eps;
  return eps === undefined || eps === null ? TORCH_DEFAULT_EPS[c.module] : (eps as number);
}

/** `normalized_shape` of k dims ⇒ the k trailing axes of a rank-r input. */
function trailingAxes(c: TorchCase): number[] {
  const k = (c.params.normalized_shape as number[]).length;
  const rank = c.input.shape.length;
  return Array.from({length: k}, (_, i) => rank - k + i);
}

/** Whether a torch flag that defaults to true is on. */
function flag(c: TorchCase, name: string): boolean {
  return c.params[name] !== false;
}

function equivalentOf(c: TorchCase): Equivalent {
  const epsilon = epsilonOf(c);
  switch (c.module) {
    case 'GroupNorm': {
      const affine = flag(c, 'affine');
      const layer = tfn.layers.groupNormalization({
        groups: c.params.num_groups as number,
        axis: 1,
        epsilon,
        center: affine,
        scale: affine,
      });
      return {layer, names: affine ? {weight: 'gamma', bias: 'beta'} : {}};
    }
    case 'InstanceNorm2d': {
      // torch's default is affine=False; every fixture case sets affine=True.
      const affine = c.params.affine === true;
      const layer = tfn.layers.instanceNormalization({
        axis: 1,
        epsilon,
        center: affine,
        scale: affine,
      });
      return {layer, names: affine ? {weight: 'gamma', bias: 'beta'} : {}};
    }
    case 'LayerNorm': {
      const scale = flag(c, 'elementwise_affine');
      const center = scale && flag(c, 'bias');
      const layer = tfn.layers.layerNormalization({axis: trailingAxes(c), epsilon, center, scale});
      return {layer, names: {...(scale && {weight: 'gamma'}), ...(center && {bias: 'beta'})}};
    }
    case 'RMSNorm': {
      const layer = tfn.layers.rmsNormalization({axis: trailingAxes(c), epsilon});
      return {layer, names: flag(c, 'elementwise_affine') ? {weight: 'scale'} : {}};
    }
    case 'BatchNorm2d': {
      const affine = flag(c, 'affine');
      const torchMomentum = (c.params.momentum as number | undefined) ?? TORCH_DEFAULT_MOMENTUM;
      const layer = tfn.layers.batchNormalization({
        axis: 1,
        momentum: 1 - torchMomentum,
        epsilon,
        center: affine,
        scale: affine,
      });
      return {layer, names: affine ? {weight: 'gamma', bias: 'beta'} : {}};
    }
  }
}

/**
 * Builds the layer and gives it torch's parameters: `weight`/`bias` by their mapped names,
 * RMSNorm's scale 1 when torch has no weight, BatchNorm2d's running statistics as the moving
 * ones (as starting values they need no conversion).
 */
function buildWithTorchParameters(c: TorchCase, eq: Equivalent): void {
  eq.layer.apply(tf.input({batchShape: [null, ...c.input.shape.slice(1)]}));
  const byName: Record<string, TensorJson | null> = {
    [eq.names.weight ?? '-']: c.weight,
    [eq.names.bias ?? '-']: c.bias,
    moving_mean: c.running_initial?.running_mean ?? null,
    moving_variance: c.running_initial?.running_var ?? null,
  };
  const values = eq.layer.weights.map((w) => {
    const value = byName[shortName(w)];
    return value ? tensorOf(value) : tf.ones(w.shape as number[]);
  });
  expect(values.length).toBe(eq.layer.weights.length);
  eq.layer.setWeights(values);
  tf.dispose(values);
}

/** Gradients of `sum(layer(x) · upstream)`, keyed by torch's names (`input`, `weight`, ...). */
function gradients(c: TorchCase, eq: Equivalent, training: boolean): Record<string, tf.Tensor> {
  const x = tf.variable(tensorOf(c.input));
  const dy = tensorOf(c.upstream);
  const torchName: Record<string, string> = {};
  for (const [torch, ours] of Object.entries(eq.names)) {
    torchName[ours] = torch;
  }
  const weights = eq.layer.trainableWeights.filter((w) => shortName(w) in torchName);
  const variables = [x, ...weights.map((w) => w.read() as tf.Variable)];
  const {value, grads} = tf.variableGrads(
    () => tf.sum(tf.mul(eq.layer.apply(x, {training}) as tf.Tensor, dy)),
    variables,
  );
  const byName: Record<string, tf.Tensor> = {input: grads[x.name]};
  weights.forEach((w, i) => (byName[torchName[shortName(w)]] = grads[variables[i + 1].name]));
  const unused = Object.keys(grads).filter((k) => !variables.some((v) => v.name === k));
  tf.dispose([x, dy, value, ...unused.map((k) => grads[k])]);
  return byName;
}

async function expectGradients(
  c: TorchCase,
  eq: Equivalent,
  expected: Record<string, TensorJson>,
  training: boolean,
  tolerance: Tolerance,
): Promise<void> {
  const actual = gradients(c, eq, training);
  expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
  for (const [name, grad] of Object.entries(expected)) {
    await expectTensor(actual[name], grad, tolerance, `d${name} (training ${training})`);
  }
  tf.dispose(Object.values(actual));
}

/**
 * tfjs-norm's moving variances, one per step, turned into torch's running variances. Per step
 * the layer adds `(1 − m')·v_biased`, so `ours_k − m'·ours_{k−1} = (1 − m')·v_biased`; torch adds
 * `(1 − m')·v_biased·n/(n − 1)` instead:
 * `torch_k = m'·torch_{k−1} + n/(n − 1)·(ours_k − m'·ours_{k−1})`, from the same start.
 */
function torchRunningVariances(ours: number[][], momentum: number, n: number): number[][] {
  const torch = [ours[0]];
  for (let k = 1; k < ours.length; k++) {
    torch.push(
      ours[k].map(
        (v, i) => momentum * torch[k - 1][i] + (n / (n - 1)) * (v - momentum * ours[k - 1][i]),
      ),
    );
  }
  return torch;
}

/** Three training steps from the running_initial statistics, compared after each. */
async function checkRunningStatistics(
  c: TorchCase,
  eq: Equivalent,
  tolerance: Tolerance,
): Promise<void> {
  const steps = c.running_after_steps!;
  const momentum = (eq.layer as tfn.BatchNormalization).momentum;
  const moving = async () => {
    const weights = eq.layer.getWeights();
    const [mean, variance] = weights.slice(-2);
    return {mean: Array.from(await mean.data()), variance: Array.from(await variance.data())};
  };
  const means: number[][] = [];
  const variances: number[][] = [(await moving()).variance];

  for (const batch of steps.batches) {
    const x = tensorOf(batch);
    tf.dispose(eq.layer.apply(x, {training: true}) as tf.Tensor);
    const {mean, variance} = await moving();
    means.push(mean);
    variances.push(variance);
    x.dispose();
  }

  const torchVariances = torchRunningVariances(variances, momentum, c.reduction_size!).slice(1);
  steps.history.forEach((h, k) => {
    expectClose(means[k], h.running_mean, tolerance, `running_mean after step ${k + 1}`);
    expectClose(torchVariances[k], h.running_var, tolerance, `running_var after step ${k + 1}`);
  });
  expectClose(means[2], steps.running_mean.data, tolerance, 'running_mean');
  expectClose(torchVariances[2], steps.running_var.data, tolerance, 'running_var');
}

/** BatchNorm2d: training (batch statistics), eval (running statistics), running averages. */
async function checkBatchNorm(c: TorchCase, eq: Equivalent, tolerance: Tolerance): Promise<void> {
  const x = tensorOf(c.input);

  const evalOutput = eq.layer.apply(x, {training: false}) as tf.Tensor;
  await expectTensor(evalOutput, c.output_eval!, tolerance, 'output (eval)');
  await expectGradients(c, eq, c.grads_eval!, false, tolerance);

  const trainOutput = eq.layer.apply(x, {training: true}) as tf.Tensor;
  await expectTensor(trainOutput, c.output, tolerance, 'output (train)');
  buildWithTorchParameters(c, eq);
  await expectGradients(c, eq, c.grads, true, tolerance);

  buildWithTorchParameters(c, eq);
  await checkRunningStatistics(c, eq, tolerance);
  tf.dispose([x, evalOutput, trainOutput]);
}

/** GroupNorm, LayerNorm, RMSNorm, InstanceNorm2d: output and gradients. */
async function checkStateless(c: TorchCase, eq: Equivalent, tolerance: Tolerance): Promise<void> {
  const x = tensorOf(c.input);
  const y = eq.layer.apply(x) as tf.Tensor;
  await expectTensor(y, c.output, tolerance, 'output');
  await expectGradients(c, eq, c.grads, false, tolerance);
  tf.dispose([x, y]);
}

describe('PyTorch conventions', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s: epsilon is the one torch used', (_, c) => {
    expect(epsilonOf(c)).toBe(c.eps_used);
  });
});

describeBackends('PyTorch conformance', (backend, backendTolerance) => {
  const tolerance = GPU_BACKENDS.includes(backend) ? backendTolerance : STRICT_TOLERANCE;

  test.each(CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const eq = equivalentOf(c);
    buildWithTorchParameters(c, eq);
    if (c.module === 'BatchNorm2d') {
      await checkBatchNorm(c, eq, tolerance);
    } else {
      await checkStateless(c, eq, tolerance);
    }
    eq.layer.dispose();
  });
});
