import * as tf from '@tensorflow/tfjs';

import {FORCE_COMPOSITE_FLAG} from '../../src/index';

/**
 * The two ways an op can run: the fused kernels, and the composite fallback that backends
 * without kernels use. Specs run on both.
 */
export const PATHS = ['fused', 'composite'] as const;

/** Sets the path for the enclosing `describe` and restores the fused path afterwards. */
export function usePath(path: (typeof PATHS)[number]): void {
  beforeAll(() => tf.env().set(FORCE_COMPOSITE_FLAG, path === 'composite'));
  afterAll(() => tf.env().set(FORCE_COMPOSITE_FLAG, false));
}
