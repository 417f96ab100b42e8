/**
 * The package in a real browser: headless Chromium, on the browser's own `webgpu` backend (our
 * WGSL kernels on Chromium's WebGPU, in the adapter's automatic lane style and in the
 * `cooperative` one that GPUs get) and `webgl` backend (the composite fallback). The page
 * (test/browser/page.ts) runs forward and gradients of seeded cases of all five
 * normalizations, which are checked here against the float64 reference, and trains a model
 * with each layer. Runs when global setup finds `chromium` (test/support/backends.ts).
 */
import {NORM_FORWARD} from '../src/core/kernel_contract';
import {browserTested, TOLERANCES} from './support/backends';
import {openPage, OpenPage} from './support/browser';
import {NormCase, NormKind, randomCases, referenceOf} from './support/cases';
import {expectClose, withCancellation} from './support/compare';
import {LAYER_FACTORIES} from './support/models';
import {referenceBackward, referenceForward} from './support/reference';
import type {PlainCase} from './browser/page';

const KINDS: NormKind[] = ['batch', 'layer', 'group', 'instance', 'rms'];
const CASES = randomCases(4242, 12);

/** GPU arithmetic in float32 with tree-ordered sums, as on webgpu in Node. */
const BROWSER_TOLERANCE = TOLERANCES.webgpu;

function plain(c: NormCase): PlainCase {
  const list = (a: Float32Array | undefined) => (a === undefined ? undefined : Array.from(a));
  return {
    ...c,
    x: Array.from(c.x),
    dy: Array.from(c.dy),
    gamma: list(c.gamma),
    beta: list(c.beta),
    given: c.given && {mean: Array.from(c.given.mean), variance: Array.from(c.given.variance)},
  };
}

const suite = browserTested() ? describe : describe.skip;

suite('in headless Chromium', () => {
  let page: OpenPage;

  beforeAll(async () => {
    page = await openPage();
  });

  afterAll(async () => {
    await page?.close();
  });

  afterEach(() => {
    expect(page.errors).toEqual([]);
  });

  describe.each([
    ['webgpu', ''],
    ['webgpu', 'cooperative'],
    ['webgl', ''],
  ])('%s backend, lane style "%s"', (backend, laneStyle) => {
    beforeAll(async () => {
      const active = await page.call('activate', backend, laneStyle);
      expect(active.backend).toBe(backend);
    });

    test.each(KINDS)('%s: forward and gradients match the reference on 12 cases', async (kind) => {
      const cases = CASES.filter((c) => c.kind === kind);
      const {result, error} = await page.call('runCases', cases.map(plain));
      expect(error).toBeNull();

      cases.forEach((c, i) => {
        const got = result[i];
        const forward = referenceForward(referenceOf(c));
        const backward = referenceBackward(referenceOf(c), c.dy);
        const dxTolerance = withCancellation(BROWSER_TOLERANCE, backward.dxScale);
        expectClose(got.y, forward.y, BROWSER_TOLERANCE, `${c.id} y`);
        expectClose(got.dx, backward.dx, dxTolerance, `${c.id} dx`);
        if (c.gamma !== undefined) {
          expectClose(got.dgamma ?? [], backward.dgamma, BROWSER_TOLERANCE, `${c.id} dgamma`);
        }
        if (c.beta !== undefined) {
          expectClose(got.dbeta ?? [], backward.dbeta, BROWSER_TOLERANCE, `${c.id} dbeta`);
        }
      });
    });

    test.each(Object.keys(LAYER_FACTORIES))(
      '%s: model.fit lowers the loss and leaks no tensor',
      async (name) => {
        const {result, error} = await page.call('train', name);
        expect(error).toBeNull();
        expect(result.losses.every(Number.isFinite)).toBe(true);
        expect(result.losses[result.losses.length - 1]).toBeLessThan(result.losses[0] * 0.8);
        expect(result.leaked).toBe(0);
      },
    );
  });

  test('on webgpu, a LayerNorm forward is one fused kernel on a SwiftShader adapter', async () => {
    const active = await page.call('activate', 'webgpu', '');
    expect(active.adapter).toBe('swiftshader');
    expect(await page.call('layerNormKernels')).toEqual([NORM_FORWARD]);
  });
});
