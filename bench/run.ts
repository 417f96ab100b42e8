/**
 * `npm run bench [-- --backends cpu,webgpu --repeats 10]`: forward and forward+backward time of
 * each layer against the reference on every available backend, as the ratio measured in the
 * same run, with kernel counts and peak bytes from `tf.profile`. On webgpu it also times
 * `tf.add` on the LayerNorm input, the floor an elementwise pass can reach there.
 *
 * Each backend runs in a child process of its own, so one backend's threads (TensorFlow's
 * pool, SwiftShader's) do not slow another's measurements.
 */
import {spawnSync} from 'child_process';

import * as tf from '@tensorflow/tfjs';

import {BENCH_CASES} from './cases';
import {forwardRun, measure, Measurement, stepRun} from './measure';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const {installWebgpu, loadTfjsNode} = require('../scripts/optional-backends.js');

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function availableBackends(): Promise<string[]> {
  const names = ['cpu'];
  if (loadTfjsNode(tf)) {
    names.push('tensorflow');
  }
  if (installWebgpu() && (await tf.setBackend('webgpu'))) {
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    names.push('webgpu');
  }
  return names;
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

function ms(m: Measurement): string {
  return m.medianMs.toFixed(2);
}

async function benchBackend(backend: string, repeats: number): Promise<string[]> {
  await tf.setBackend(backend);
  const lines: string[] = [];

  for (const c of BENCH_CASES) {
    const ours = c.ours();
    const reference = c.reference();
    const x = tf.randomNormal(c.shape, 0, 1, 'float32', 1);
    const dy = tf.randomNormal(c.shape, 0, 1, 'float32', 2);

    for (const [pass, makeRun] of [
      ['forward', (k: typeof ours) => forwardRun(k, x)],
      ['forward+backward', (k: typeof ours) => stepRun(k, x, dy)],
    ] as const) {
      const a = await measure(makeRun(ours), repeats);
      const b = await measure(makeRun(reference), repeats);
      lines.push(
        row([
          backend,
          c.name,
          pass,
          ms(a),
          ms(b),
          `${(b.medianMs / a.medianMs).toFixed(1)}×`,
          `${a.kernels} / ${b.kernels}`,
          `${(a.peakBytes / 2 ** 20).toFixed(1)} / ${(b.peakBytes / 2 ** 20).toFixed(1)}`,
          `${a.firstMs.toFixed(0)} / ${b.firstMs.toFixed(0)}`,
        ]),
      );
      console.log(lines[lines.length - 1]);
    }

    if (backend === 'webgpu' && c.shape.length === 2) {
      const add = await measure(() => [tf.add(x, x)], repeats);
      const fwd = await measure(forwardRun(ours, x), repeats);
      lines.push(
        `| ${backend} | tf.add on the same tensor: ${ms(add)} ms; ours/add = ` +
          `${(fwd.medianMs / add.medianMs).toFixed(2)} |`,
      );
      console.log(lines[lines.length - 1]);
    }
    ours.dispose();
    reference.dispose();
    tf.dispose([x, dy]);
  }
  return lines;
}

/** Runs this script once per backend, each in its own process, printing their rows. */
function runChildren(backends: string[], repeats: number): void {
  for (const backend of backends) {
    const args = [...process.execArgv, process.argv[1], '--child', backend];
    const child = spawnSync(process.execPath, [...args, '--repeats', String(repeats)], {
      stdio: 'inherit',
    });
    if (child.status !== 0) {
      throw new Error(`benchmark on ${backend} failed (exit ${child.status})`);
    }
  }
}

async function main(): Promise<void> {
  const repeats = Number(option('repeats', '10'));
  const child = option('child', '');
  const available = await availableBackends();
  if (child !== '') {
    await benchBackend(child, repeats);
    return;
  }

  const backends = option('backends', available.join(',')).split(',');
  console.log(`tfjs-norm benchmark, ${repeats} timed runs per cell (median), backends ${backends}`);
  console.log(
    row([
      'backend',
      'case',
      'pass',
      'ours ms',
      'reference ms',
      'speed-up',
      'kernels ours / ref',
      'peak MiB ours / ref',
      'first run ms ours / ref',
    ]),
  );
  console.log(row(Array(9).fill('---')));
  runChildren(backends, repeats);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
