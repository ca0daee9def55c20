import { Observable, type OperatorFunction } from 'rxjs';
import { KeyedState, type KeyedStateOptions } from './keyed-state.js';

/**
 * What {@link scanByKey} emits for each value: its key, the key's new state, and the value.
 *
 * @example
 * ```ts
 * const step: KeyedScan<string, number, string> = { key: 'alice', state: 3, value: 'third post' };
 * ```
 */
export interface KeyedScan<K, S, T> {
  /** The value's key. */
  readonly key: K;
  /** The key's state after the value. */
  readonly state: S;
  /** The value. */
  readonly value: T;
}

/**
 * Options of {@link scanByKey}: the bounds of its {@link KeyedState}, and where to read its evictions.
 *
 * @example
 * ```ts
 * const options: ScanByKeyOptions<string, number> = { maxKeys: 10_000, ttl: 60 * 60_000, onState: (s) => (state = s) };
 * ```
 */
export interface ScanByKeyOptions<K, S> extends KeyedStateOptions<K, S> {
  /** Receives the subscription's state store when it starts (to read `size` and `evictions`). @default none */
  onState?: (state: KeyedState<K, S>) => void;
}

/**
 * `scan` per key with bounded memory: each value updates its key's state with `reducer` (a key without
 * state, new or evicted, starts from `seed(key)`), and the key, new state and value are emitted. State is
 * kept in a {@link KeyedState} per subscription: at most `maxKeys` keys (least recently used evicted
 * first), each forgotten `ttl` after its last use.
 *
 * ```text
 * values   a1 b1 a1 c1 b1        (key = letter, state = count, maxKeys 2)
 * states   1  1  2  1  1         c evicts b (least recently used), so b starts again
 * ```
 *
 * @example
 * ```ts
 * import { scanByKey } from 'streamrx';
 * posts$.pipe(
 *   scanByKey((post) => post.author, (count: number) => count + 1, () => 0, { maxKeys: 100_000, ttl: 60_000 }),
 *   filter(({ state }) => state > 10),
 * ).subscribe(({ key }) => console.log(`${key} posts a lot`));
 * ```
 */
export function scanByKey<T, K, S>(
  key: (value: T) => K,
  reducer: (state: S, value: T) => S,
  seed: (key: K) => S,
  options: ScanByKeyOptions<K, S> = {},
): OperatorFunction<T, KeyedScan<K, S, T>> {
  new KeyedState<K, S>(options); // validates the options at once
  return (source) =>
    new Observable<KeyedScan<K, S, T>>((subscriber) => {
      const states = new KeyedState<K, S>(options);
      options.onState?.(states);
      return source.subscribe({
        next: (value) => {
          const k = key(value);
          const previous = states.get(k);
          const state = reducer(previous === undefined ? seed(k) : previous, value);
          states.set(k, state);
          subscriber.next({ key: k, state, value });
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
    });
}
