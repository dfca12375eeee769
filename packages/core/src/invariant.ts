/** A broken assumption inside Slipway's own code, never a caller's mistake: the message says which. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** `value`, which the caller knows is set; throws an InvariantError naming `what` when it is not. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new InvariantError(`${what} is missing`);
  return value;
}

/** `items[index]` for an index the caller keeps in range (e.g. a loop bound by `items.length`). */
export function at<T>(items: ArrayLike<T>, index: number): T {
  if (index < 0 || index >= items.length) throw new InvariantError(`index ${index} outside 0..${items.length - 1}`);
  return items[index] as T;
}
