/**
 * The script of the page that test/browser.test.ts opens in headless Chromium, bundled by
 * esbuild together with tfjs, tfjs's webgpu backend and this package, as a user's bundler
 * would. It exposes {@link BrowserPage} as `window.tfnPage`; the test calls it through
 * Playwright and checks the results in Node against the float64 reference.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';

import * as tfn from '../../src/index';
import {caseGradients, NormCase, runOp, tensorsOf} from '../support/cases';
import {LAYER_FACTORIES, smallModel, toyData} from '../support/models';

/** A {@link NormCase} with plain arrays, as it crosses from Node into the page. */
export interface PlainCase extends Omit<NormCase, 'x' | 'dy' | 'gamma' | 'beta' | 'given'> {
  x: number[];
  dy: number[];
  gamma?: number[];
  beta?: number[];
  given?: {mean: number[]; variance: number[]};
}

/** What one case computed in the page: the output and the gradients of `Σ y · dy`. */
export interface PageResult {
  y: number[];
  dx: number[];
  dgamma?: number[];
  dbeta?: number[];
}

interface ErrorScopes {
  pushErrorScope(filter: string): void;
  popErrorScope(): Promise<{message: string} | null>;
}

function floats(values: number[] | undefined): Float32Array | undefined {
  return values === undefined ? undefined : Float32Array.from(values);
}

function caseOf(p: PlainCase): NormCase {
  return {
    ...p,
    x: Float32Array.from(p.x),
    dy: Float32Array.from(p.dy),
    gamma: floats(p.gamma),
    beta: floats(p.beta),
    given: p.given && {
      mean: Float32Array.from(p.given.mean),
      variance: Float32Array.from(p.given.variance),
    },
  };
}

/**
 * Runs `f` and returns its result with the WebGPU validation errors it raised (on other
 * backends: none).
 */
async function checked<T>(f: () => Promise<T>): Promise<{result: T; error: string | null}> {
  const device =
    tf.getBackend() === 'webgpu' ? (tf.backend() as unknown as {device: ErrorScopes}).device : null;
  device?.pushErrorScope('validation');
  const result = await f();
  const error = device === null ? null : await device.popErrorScope();
  return {result, error: error?.message ?? null};
}

async function runCase(p: PlainCase): Promise<PageResult> {
  const c = caseOf(p);
  const t = tensorsOf(c);
  const dy = tf.tensor(c.dy, c.shape);
  const y = runOp(c, t);
  const {names, grads} = caseGradients(c, t, dy);
  const read = async (g: tf.Tensor) => Array.from(await g.data());
  const result: PageResult = {y: await read(y), dx: []};
  for (let i = 0; i < names.length; i++) {
    const key = ({x: 'dx', gamma: 'dgamma', beta: 'dbeta'} as const)[names[i]];
    result[key] = await read(grads[i]);
  }
  tf.dispose([y, dy, ...grads, t.x, t.gamma, t.beta, t.mean, t.variance]);
  return result;
}

/** The page's entry points. */
export interface BrowserPage {
  /**
   * Activates `backend` (GPU paths only: webgpu does not forward small tensors to the cpu),
   * with the webgpu lane style `laneStyle` ('' for automatic).
   */
  activate(backend: string, laneStyle: string): Promise<{backend: string; adapter: string}>;
  /** Forward and gradients of cases, with the WebGPU validation errors raised. */
  runCases(cases: PlainCase[]): Promise<{result: PageResult[]; error: string | null}>;
  /** Names of the kernels that a LayerNorm forward on `[8, 64]` launches. */
  layerNormKernels(): Promise<string[]>;
  /**
   * Losses per epoch of `model.fit` on a model with the layer `name`, and the tensors left
   * once the model, its optimizer and the data are disposed.
   */
  train(name: string): Promise<{result: {losses: number[]; leaked: number}; error: string | null}>;
}

const page: BrowserPage = {
  async activate(backend, laneStyle) {
    if (!(await tf.setBackend(backend))) {
      throw new Error(`backend ${backend} failed to initialize in the page`);
    }
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    tf.env().set(tfn.LANE_STYLE_FLAG, laneStyle);
    const info = (tf.backend() as unknown as {adapterInfo?: {architecture?: string}}).adapterInfo;
    return {backend: tf.getBackend(), adapter: info?.architecture ?? ''};
  },

  runCases: (cases) =>
    checked(async () => {
      const results: PageResult[] = [];
      for (const c of cases) {
        results.push(await runCase(c));
      }
      return results;
    }),

  async layerNormKernels() {
    const x = tf.randomNormal([8, 64]);
    const layer = tfn.layers.layerNormalization();
    layer.apply(x);
    let y: tf.Tensor | undefined;
    const profile = await tf.profile(() => (y = layer.apply(x) as tf.Tensor));
    await y?.data();
    tf.dispose([x, y as tf.Tensor]);
    layer.dispose();
    return profile.kernels.map((k) => k.name);
  },

  train: (name) =>
    checked(async () => {
      const before = tf.memory().numTensors;
      const model = smallModel(LAYER_FACTORIES[name]());
      const optimizer = tf.train.adam(0.01);
      model.compile({optimizer, loss: 'categoricalCrossentropy'});
      const {xs, ys} = toyData(64, 1);
      const history = await model.fit(xs, ys, {epochs: 15, batchSize: 16, verbose: 0});
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
      return {losses: history.history.loss as number[], leaked: tf.memory().numTensors - before};
    }),
};

(globalThis as unknown as {tfnPage: BrowserPage}).tfnPage = page;
