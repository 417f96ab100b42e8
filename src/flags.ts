import * as tf from '@tensorflow/tfjs';

/**
 * `TFN_FORCE_COMPOSITE` (default `false`): when `true`, every op of this package runs on
 * composite tfjs ops instead of its fused kernels, on every backend. Meant for debugging and
 * for comparing the two paths; `tf.env().set('TFN_FORCE_COMPOSITE', true)`.
 */
export const FORCE_COMPOSITE_FLAG = 'TFN_FORCE_COMPOSITE';

/**
 * `TFN_WEBGPU_LANE_STYLE` (default `''`: automatic): forces how the webgpu kernels spread a
 * statistics group over invocations, `'solo'` (one invocation per group, no barriers, and
 * blocks of rows per invocation for layer/RMS normalization over trailing axes; chosen on
 * software adapters such as SwiftShader) or `'cooperative'` (several invocations merged in
 * workgroup memory; chosen on GPUs). For tests and for comparing the two on one adapter.
 */
export const LANE_STYLE_FLAG = 'TFN_WEBGPU_LANE_STYLE';

/** Registers the package's flags with the tfjs environment (once per tfjs instance). */
export function registerFlags(): void {
  const env = tf.env() as unknown as {flagRegistry: Record<string, unknown>};
  if (env.flagRegistry[FORCE_COMPOSITE_FLAG] === undefined) {
    tf.env().registerFlag(FORCE_COMPOSITE_FLAG, () => false);
  }
  if (env.flagRegistry[LANE_STYLE_FLAG] === undefined) {
    tf.env().registerFlag(LANE_STYLE_FLAG, () => '');
  }
}
