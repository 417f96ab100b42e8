/**
 * Timing and profiling of one contender on one input. Times include reading the result back
 * (`await data()`), the first (warm-up, compiling) run is reported apart, and everything a run
 * allocates is disposed before the next.
 */
import * as tf from '@tensorflow/tfjs';

import type {Contender} from './cases';

/** What one contender measured. */
export interface Measurement {
  firstMs: number;
  medianMs: number;
  kernels: number;
  peakBytes: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Forward pass only. */
export function forwardRun(c: Contender, x: tf.Tensor): () => tf.Tensor[] {
  return () => [c.forward(x)];
}

/**
 * Forward and backward: the output and the gradients, for the upstream gradient `dy`, of the
 * input and every trainable weight (what one training step of the layer computes).
 */
export function stepRun(c: Contender, x: tf.Tensor, dy: tf.Tensor): () => tf.Tensor[] {
  return () => {
    const {value, grads} = tf.engine().gradients(() => c.forward(x), [x, ...c.weights], dy);
    return [value, ...grads];
  };
}

async function timeOnce(run: () => tf.Tensor[]): Promise<number> {
  const start = performance.now();
  const outputs = run();
  await Promise.all(outputs.map((t) => t.data()));
  const elapsed = performance.now() - start;
  tf.dispose(outputs);
  return elapsed;
}

/** Runs `run` once to warm up, `repeats` times to time, and once under `tf.profile`. */
export async function measure(run: () => tf.Tensor[], repeats: number): Promise<Measurement> {
  const firstMs = await timeOnce(run);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    times.push(await timeOnce(run));
  }

  let outputs: tf.Tensor[] = [];
  const profile = await tf.profile(() => {
    outputs = run();
    return outputs;
  });
  await Promise.all(outputs.map((t) => t.data()));
  tf.dispose(outputs);
  return {
    firstMs,
    medianMs: median(times),
    kernels: profile.kernels.length,
    peakBytes: profile.peakBytes,
  };
}
