/**
 * Error thrown for invalid arguments and inputs. Its message names where the problem was
 * found (a layer or an op), the argument, what was expected and what was received:
 *
 * `GroupNormalization 'gn1': argument 'groups' expected a divisor of the 6 channels on axis
 * 3, received 4`.
 */
export class NormalizationArgumentError extends Error {
  /** @param where - Layer (class and name) or op that rejected the argument. */
  constructor(
    readonly where: string,
    readonly argument: string,
    readonly expected: string,
    readonly received: string,
  ) {
    super(`${where}: argument '${argument}' expected ${expected}, received ${received}`);
    this.name = 'NormalizationArgumentError';
    Object.setPrototypeOf(this, NormalizationArgumentError.prototype);
  }
}

/** Throws a {@link NormalizationArgumentError} unless `condition` holds. */
export function check(
  condition: boolean,
  where: string,
  argument: string,
  expected: string,
  received: () => string,
): asserts condition {
  if (!condition) {
    throw new NormalizationArgumentError(where, argument, expected, received());
  }
}

/** Short printable form of a value for error messages. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
  }
  return typeof value === 'string' ? `'${value}'` : String(value);
}
