/**
 * The public API without side effects: importing this module registers no kernel, gradient
 * or class. `tfjs-norm` (the package root) imports it and also registers everything.
 */
import * as layers from './layers/index.js';
import * as ops from './ops/index.js';

export {layers, ops};
export * from './layers/classes.js';
export {NormalizationArgumentError} from './core/errors.js';
export {NORM_BACKWARD, NORM_FORWARD} from './core/kernel_contract.js';
export type {NormAttrs} from './core/kernel_contract.js';
export type {NormView} from './core/view.js';
export {FORCE_COMPOSITE_FLAG, LANE_STYLE_FLAG} from './flags.js';
export {fusedKernelsActive} from './ops/normalize.js';
export {
  AddonsGroupNormalization,
  AddonsInstanceNormalization,
  registerSerializableClasses,
  useBuiltinLayersForLoading,
} from './serialization.js';
export {registerAll} from './register_all.js';
/** Keras 3 model loading and tfjs → Keras 3 export (see src/interop/index.ts). */
export * as interop from './interop/index.js';
