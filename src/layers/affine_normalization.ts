import * as tf from '@tensorflow/tfjs';
import type {LayerArgs} from '@tensorflow/tfjs-layers/dist/engine/topology';
import type {LayerVariable} from '@tensorflow/tfjs-layers/dist/variables';

import {check, describe} from '../core/errors.js';
import {checkEpsilon} from '../ops/validate.js';
import {
  Constraint,
  Initializer,
  ObjectSpec,
  Regularizer,
  resolveObject,
  serializeObject,
} from './config_objects.js';
import {NormalizationLayer} from './normalization_layer.js';

/** Arguments shared by the layers with a `gamma` scale and a `beta` offset. */
export interface AffineNormalizationArgs extends LayerArgs {
  /** Added to the variance before the square root. Default `1e-3`. */
  epsilon?: number;
  /** Whether to add the learned offset `beta`. Default `true`. */
  center?: boolean;
  /** Whether to multiply by the learned scale `gamma`. Default `true`. */
  scale?: boolean;
  /** Initializer of `beta`. Default `'zeros'`. */
  betaInitializer?: ObjectSpec<Initializer>;
  /** Initializer of `gamma`. Default `'ones'`. */
  gammaInitializer?: ObjectSpec<Initializer>;
  /** Regularizer of `beta`. Default none. */
  betaRegularizer?: ObjectSpec<Regularizer>;
  /** Regularizer of `gamma`. Default none. */
  gammaRegularizer?: ObjectSpec<Regularizer>;
  /** Constraint on `beta`. Default none. */
  betaConstraint?: ObjectSpec<Constraint>;
  /** Constraint on `gamma`. Default none. */
  gammaConstraint?: ObjectSpec<Constraint>;
}

/** Checks a boolean constructor argument. */
export function checkBoolean(value: unknown, where: string, argument: string): boolean {
  check(typeof value === 'boolean', where, argument, 'true or false', () => describe(value));
  return value as boolean;
}

/**
 * Base of batch, layer, group and instance normalization: owns `epsilon`, `center`, `scale`
 * and the initializers, regularizers and constraints of `gamma` and `beta`.
 */
export abstract class AffineNormalization extends NormalizationLayer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: Initializer;
  readonly gammaInitializer: Initializer;
  readonly betaRegularizer: Regularizer | null;
  readonly gammaRegularizer: Regularizer | null;
  readonly betaConstraint: Constraint | null;
  readonly gammaConstraint: Constraint | null;

  /** The learned scale, or `null` when `scale` is false or before build. */
  protected gamma: LayerVariable | null = null;
  /** The learned offset, or `null` when `center` is false or before build. */
  protected beta: LayerVariable | null = null;

  constructor(args: AffineNormalizationArgs) {
    super(args);
    const where = this.where;
    this.epsilon = args.epsilon ?? 1e-3;
    checkEpsilon(this.epsilon, where);
    this.center = checkBoolean(args.center ?? true, where, 'center');
    this.scale = checkBoolean(args.scale ?? true, where, 'scale');
    this.betaInitializer = resolveObject(
      args.betaInitializer ?? 'zeros',
      where,
      'betaInitializer',
    )!;
    this.gammaInitializer = resolveObject(
      args.gammaInitializer ?? 'ones',
      where,
      'gammaInitializer',
    )!;
    this.betaRegularizer = resolveObject(args.betaRegularizer, where, 'betaRegularizer');
    this.gammaRegularizer = resolveObject(args.gammaRegularizer, where, 'gammaRegularizer');
    this.betaConstraint = resolveObject(args.betaConstraint, where, 'betaConstraint');
    this.gammaConstraint = resolveObject(args.gammaConstraint, where, 'gammaConstraint');
  }

  /** Creates `gamma` then `beta` (Keras's order), by default each only when enabled. */
  protected addAffineWeights(shape: number[], scale = this.scale, center = this.center): void {
    if (scale) {
      this.gamma = this.addWeight(
        'gamma',
        shape,
        'float32',
        this.gammaInitializer,
        this.gammaRegularizer ?? undefined,
        true,
        this.gammaConstraint ?? undefined,
      );
    }
    if (center) {
      this.beta = this.addWeight(
        'beta',
        shape,
        'float32',
        this.betaInitializer,
        this.betaRegularizer ?? undefined,
        true,
        this.betaConstraint ?? undefined,
      );
    }
  }

  /** Current values of the affine weights, `undefined` where disabled. */
  protected affineValues(): {gamma?: tf.Tensor; beta?: tf.Tensor} {
    return {gamma: this.gamma?.read(), beta: this.beta?.read()};
  }

  /** The config keys shared by the affine layers, in Keras's snake_case-able names. */
  protected affineConfig(): tf.serialization.ConfigDict {
    return {
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeObject(this.betaInitializer),
      gammaInitializer: serializeObject(this.gammaInitializer),
      betaRegularizer: serializeObject(this.betaRegularizer),
      gammaRegularizer: serializeObject(this.gammaRegularizer),
      betaConstraint: serializeObject(this.betaConstraint),
      gammaConstraint: serializeObject(this.gammaConstraint),
    };
  }
}
