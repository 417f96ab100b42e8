/**
 * A headless Chromium page running test/browser/page.ts: the page script is bundled with
 * esbuild (tfjs, its webgpu backend and this package, as a user's bundler would), written next
 * to an HTML page in a temporary folder and opened from a file URL. Chromium gets WebGPU and
 * WebGL through SwiftShader (flags verified in the project's environment notes).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as esbuild from 'esbuild';
import {Browser, chromium, Page} from 'playwright-core';

import type {BrowserPage} from '../browser/page';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {findChromium} = require('../../scripts/optional-backends.js');

/** Headless, offline, as root, with WebGPU on SwiftShader. */
const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/** An open page and how to close it. */
export interface OpenPage {
  /** Calls `method` of `window.tfnPage` with `args` (plain JSON values) in the page. */
  call<K extends keyof BrowserPage>(
    method: K,
    ...args: Parameters<BrowserPage[K]>
  ): Promise<Awaited<ReturnType<BrowserPage[K]>>>;
  /** Messages the page logged as errors (uncaught exceptions included). */
  errors: string[];
  close(): Promise<void>;
}

async function bundle(folder: string): Promise<void> {
  await esbuild.build({
    entryPoints: [path.join(__dirname, '..', 'browser', 'page.ts')],
    outfile: path.join(folder, 'page.js'),
    bundle: true,
    platform: 'browser',
    format: 'iife',
    logLevel: 'error',
  });
  const html = '<!doctype html>\n<meta charset="utf-8">\n<script src="page.js"></script>\n';
  fs.writeFileSync(path.join(folder, 'index.html'), html);
}

/** Bundles the page script, launches Chromium and opens the page. */
export async function openPage(): Promise<OpenPage> {
  const executable = findChromium();
  if (executable === null) {
    throw new Error('browser specs: no Chromium (or no playwright-core) to run them');
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'tfn-browser-'));
  let browser: Browser | null = null;
  try {
    await bundle(folder);
    browser = await chromium.launch({executablePath: executable, args: CHROMIUM_FLAGS});
    const page: Page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`file://${path.join(folder, 'index.html')}`);
    await page.waitForFunction(() => 'tfnPage' in globalThis);

    const opened = browser;
    return {
      call: (method, ...args) =>
        page.evaluate(
          ([m, a]) =>
            (
              globalThis as unknown as {tfnPage: Record<string, (...x: unknown[]) => unknown>}
            ).tfnPage[m](...a),
          [method, args] as [string, unknown[]],
        ) as never,
      errors,
      close: async () => {
        await opened.close();
        fs.rmSync(folder, {recursive: true, force: true});
      },
    };
  } catch (e) {
    await browser?.close();
    fs.rmSync(folder, {recursive: true, force: true});
    throw e;
  }
}
