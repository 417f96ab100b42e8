/**
 * Bad input gives an error that names the layer or op, the argument, what was expected and
 * what was received, and leaves no tensor behind.
 */
import * as tf from '@tensorflow/tfjs';

import * as tfn from '../src/index';
import {describeBackends} from './support/backends';

/** Asserts `fn` throws a NormalizationArgumentError matching every fact, leaking nothing. */
function expectArgumentError(fn: () => unknown, facts: RegExp[]): void {
  const before = tf.memory().numTensors;
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(tfn.NormalizationArgumentError);
  for (const fact of facts) {
    expect((error as Error).message).toMatch(fact);
  }
  expect(tf.memory().numTensors).toBe(before);
}

describeBackends('errors', () => {
  let x: tf.Tensor;
  let ints: tf.Tensor;
  let empty: tf.Tensor;

  beforeAll(() => {
    x = tf.ones([2, 3, 6]);
    ints = tf.ones([2, 3, 6], 'int32');
    empty = tf.zeros([0, 3, 6]);
  });

  afterAll(() => tf.dispose([x, ints, empty]));

  test('wrong axis', () => {
    const layer = tfn.layers.layerNormalization({axis: 3, name: 'ln_axis'});
    expectArgumentError(
      () => layer.apply(x),
      [/LayerNormalization 'ln_axis'/, /'axis'/, /\[-3, 2\]/, /received 3/],
    );
    expectArgumentError(
      () => tfn.ops.batchNorm(x, {axis: -4}),
      [/tfn.ops.batchNorm/, /'axis'/, /received -4/],
    );
  });

  test('groups not dividing the channels', () => {
    const layer = tfn.layers.groupNormalization({groups: 4, name: 'gn_groups'});
    expectArgumentError(
      () => layer.apply(x),
      [/GroupNormalization 'gn_groups'/, /'groups'/, /divisor of the 6 channels/, /received 4/],
    );
    expectArgumentError(
      () => tfn.ops.groupNorm(x, {groups: 5}),
      [/tfn.ops.groupNorm/, /'groups'/, /received 5/],
    );
  });

  test('rank too low', () => {
    const v = tf.ones([6]);
    expectArgumentError(
      () => tfn.layers.groupNormalization({groups: 2, name: 'gn_rank'}).apply(v),
      [/GroupNormalization 'gn_rank'/, /rank 2 or more/, /\[6\]/],
    );
    expectArgumentError(
      () => tfn.ops.batchNorm(v),
      [/tfn.ops.batchNorm/, /'x'/, /rank 2 or more/, /rank 1/],
    );
    v.dispose();
  });

  test('int32 input', () => {
    const layer = tfn.layers.rmsNormalization({name: 'rms_int'});
    expectArgumentError(
      () => layer.apply(ints),
      [/RMSNormalization 'rms_int'/, /'x'/, /float32/, /int32/],
    );
    expectArgumentError(() => tfn.ops.layerNorm(ints), [/tfn.ops.layerNorm/, /int32/]);
  });

  test('mismatched gamma shape', () => {
    const gamma = tf.ones([5]);
    expectArgumentError(
      () => tfn.ops.layerNorm(x, {gamma}),
      [/tfn.ops.layerNorm/, /'gamma'/, /shape \[6\]/, /shape \[5\]/],
    );
    const layer = tfn.layers.batchNormalization({name: 'bn_weights'});
    layer.apply(x);
    expectArgumentError(
      () => layer.setWeights([gamma, gamma, gamma, gamma]),
      [/BatchNormalization 'bn_weights'/, /gamma/, /shape \[6\]/, /shape \[5\]/],
    );
    gamma.dispose();
  });

  test('epsilon ≤ 0', () => {
    expectArgumentError(
      () => tfn.layers.layerNormalization({epsilon: 0, name: 'ln_eps'}),
      [/LayerNormalization 'ln_eps'/, /'epsilon'/, /> 0/, /received 0/],
    );
    expectArgumentError(
      () => tfn.ops.rmsNorm(x, {epsilon: -1}),
      [/tfn.ops.rmsNorm/, /'epsilon'/, /received -1/],
    );
  });

  test('zero-size batch', () => {
    const layer = tfn.layers.instanceNormalization({name: 'in_empty'});
    expectArgumentError(
      () => layer.apply(empty),
      [/InstanceNormalization 'in_empty'/, /'x'/, /non-empty/, /\[0, 3, 6\]/],
    );
  });

  test('unsupported switches and unknown initializers', () => {
    expectArgumentError(
      () => tfn.layers.batchNormalization({renorm: true, name: 'bn_renorm'}),
      [/BatchNormalization 'bn_renorm'/, /'renorm'/],
    );
    expectArgumentError(
      () => tfn.layers.groupNormalization({gammaInitializer: 'noSuchInit', name: 'gn_init'}),
      [/GroupNormalization 'gn_init'/, /'gammaInitializer'/, /noSuchInit/],
    );
    expectArgumentError(
      () => tfn.layers.instanceNormalization({groups: 2 as -1, name: 'in_groups'}),
      [/InstanceNormalization 'in_groups'/, /'groups'/, /received 2/],
    );
  });
});
