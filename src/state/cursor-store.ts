import { InvalidArgumentError } from '../core/errors.js';

/**
 * Where a stream processor keeps its positions: a small key-value store of JSON values, one position per
 * key (a Misskey note id, a Momento sequence number and page, a window of webhook event ids).
 * `write` resolves once the position is durable, so a position whose write resolved is the one read back
 * after a crash. Implementations: {@link fileCursorStore} (embedded, one process), {@link memoryCursorStore}
 * (tests), `momentoCursorStore` in `streamrx/momento` (shared by several processes).
 *
 * @example
 * ```ts
 * const store: CursorStore = fileCursorStore('./cursors.json');
 * const since = await store.read<string>('misskey:home');
 * await store.write('misskey:home', 'a1b2c3');
 * ```
 */
export interface CursorStore {
  /** The position stored under `key`, or `undefined` when there is none. The value is not checked against `P`. */
  read<P = unknown>(key: string): Promise<P | undefined>;
  /** Stores `position` (any JSON value) under `key`; resolves once it is durable. */
  write(key: string, position: unknown): Promise<void>;
  /**
   * Stores `next` only if the stored position equals `expected` (`undefined`: only if there is none);
   * resolves `true` when stored. Absent where the backend cannot compare and set.
   */
  compareAndSet?(key: string, expected: unknown, next: unknown): Promise<boolean>;
  /** Waits for the writes in flight and releases what the store holds (files, timers). */
  close?(): Promise<void>;
}

/**
 * The JSON text of a position, or an {@link streamrx!InvalidArgumentError} when it has none (`undefined`,
 * a function, a cycle).
 *
 * @example
 * ```ts
 * positionText({ sequenceNumber: 4, sequencePage: 1 }); // '{"sequenceNumber":4,"sequencePage":1}'
 * ```
 */
export function positionText(position: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(position);
  } catch (error) {
    throw new InvalidArgumentError('cursor position is not JSON-serializable', { cause: error });
  }
  if (text === undefined) throw new InvalidArgumentError(`cursor position must be a JSON value, got ${typeof position}`);
  return text;
}

/**
 * Checks a cursor key: a non-empty string.
 *
 * @example
 * ```ts
 * checkCursorKey('misskey:home'); // ok; checkCursorKey('') throws InvalidArgumentError
 * ```
 */
export function checkCursorKey(key: unknown): string {
  if (typeof key !== 'string' || key === '') throw new InvalidArgumentError('cursor key must be a non-empty string');
  return key;
}
