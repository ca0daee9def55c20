import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import { InvalidArgumentError } from './errors.js';

/**
 * A stable 32-bit FNV-1a hash of a string's UTF-16 code units: the same key gives the same number in
 * every process and every version, so workers agree on who owns a key without talking to each other.
 *
 * @example
 * ```ts
 * stableHash('event-42') % 3; // the same worker everywhere
 * ```
 */
export function stableHash(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Keeps a worker's share of a keyed stream: worker `index` of `count` keeps the values whose key hashes
 * to it ({@link stableHash} modulo `count`). With `count` workers reading the same stream, every value is
 * kept by exactly one of them.
 *
 * @example
 * ```ts
 * const index = Number(process.env.WORKER_INDEX), count = Number(process.env.WORKER_COUNT);
 * events$.pipe(partition(index, count, (e) => e.eventId)).subscribe(handle);
 * ```
 */
export function partition<T>(index: number, count: number, key: (value: T) => string): MonoTypeOperatorFunction<T> {
  if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`partition count must be a positive integer, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new InvalidArgumentError(`partition index must be an integer in [0, ${count - 1}], got ${index}`);
  }
  return filter((value) => stableHash(key(value)) % count === index);
}
