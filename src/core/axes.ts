import {check, describe} from './errors.js';

/**
 * Resolves one axis (negative counts from the end) against a rank.
 *
 * @param where - Layer or op name for the error message.
 * @param argument - Argument name for the error message.
 */
export function resolveAxis(axis: number, rank: number, where: string, argument = 'axis'): number {
  check(
    Number.isInteger(axis) && axis >= -rank && axis < rank,
    where,
    argument,
    `an integer in [${-rank}, ${rank - 1}] for an input of rank ${rank}`,
    () => describe(axis),
  );
  return axis < 0 ? axis + rank : axis;
}

/** Resolves an axis or list of axes to a sorted list of distinct non-negative axes. */
export function resolveAxes(
  axis: number | number[],
  rank: number,
  where: string,
  argument = 'axis',
): number[] {
  const list = Array.isArray(axis) ? axis : [axis];
  check(list.length > 0, where, argument, 'at least one axis', () => describe(axis));
  const resolved = list.map((a) => resolveAxis(a, rank, where, argument)).sort((p, q) => p - q);
  check(
    resolved.every((a, i) => i === 0 || a !== resolved[i - 1]),
    where,
    argument,
    'distinct axes',
    () => describe(axis),
  );
  return resolved;
}

/** An axis argument as Keras saves it after build: a list, sorted, values as given. */
export function sortedAxisList(axis: number | number[]): number[] {
  return (Array.isArray(axis) ? [...axis] : [axis]).sort((p, q) => p - q);
}
