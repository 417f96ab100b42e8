/**
 * Activations that Keras 3 and tfjs both have under the same name, as both save them
 * (snake_case; tfjs camelCases `log_softmax` on load and snake_cases it on save).
 */
export const SHARED_ACTIVATIONS: readonly string[] = [
  'linear',
  'relu',
  'relu6',
  'elu',
  'selu',
  'sigmoid',
  'tanh',
  'softmax',
  'log_softmax',
  'softplus',
  'softsign',
  'gelu',
  'mish',
  'swish',
];
