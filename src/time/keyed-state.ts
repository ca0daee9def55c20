import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * Options of {@link KeyedState}.
 *
 * @example
 * ```ts
 * const options: KeyedStateOptions<string, number> = { maxKeys: 50_000, ttl: 30 * 60_000 };
 * ```
 */
export interface KeyedStateOptions<K, S> {
  /** Most keys kept; one more evicts the least recently used. @default 10000 */
  maxKeys?: number;
  /** A key's state expires this long (ms on `scheduler`) after it was last read or written. @default Infinity */
  ttl?: number;
  /** Clock of `ttl`; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Told about each key evicted, and why. @default none */
  onEvict?: (key: K, state: S, reason: 'capacity' | 'expired') => void;
}

/**
 * How many keys a {@link KeyedState} has evicted, by reason.
 *
 * @example
 * ```ts
 * const { capacity, expired }: KeyedStateEvictions = state.evictions;
 * ```
 */
export interface KeyedStateEvictions {
  /** Evicted as least recently used, to stay within `maxKeys`. */
  capacity: number;
  /** Expired after `ttl` without use. */
  expired: number;
}

/** A key's entry, in a doubly linked list from least to most recently used. */
interface Entry<K, S> {
  key: K;
  state: S;
  usedAt: number;
  older: Entry<K, S> | undefined;
  newer: Entry<K, S> | undefined;
}

/**
 * Per-key state with bounds, for streams of unbounded keys (users, hashtags): at most `maxKeys` keys
 * (using one more evicts the least recently used), each forgotten `ttl` after its last use. Reads and
 * writes are O(1); evictions are counted. Expired keys are removed as the store is used, oldest first.
 *
 * @example
 * ```ts
 * import { KeyedState } from 'streamrx';
 * const postsPerUser = new KeyedState<string, number>({ maxKeys: 100_000, ttl: 3_600_000 });
 * postsPerUser.update('alice', (n = 0) => n + 1); // 1
 * postsPerUser.evictions; // { capacity: 0, expired: 0 }
 * ```
 */
export class KeyedState<K, S> {
  private readonly entries = new Map<K, Entry<K, S>>();
  private oldest: Entry<K, S> | undefined;
  private newest: Entry<K, S> | undefined;
  private readonly maxKeys: number;
  private readonly ttl: number;
  private readonly scheduler: SchedulerLike;
  private readonly onEvict: KeyedStateOptions<K, S>['onEvict'];
  private readonly counts: KeyedStateEvictions = { capacity: 0, expired: 0 };

  constructor(options: KeyedStateOptions<K, S> = {}) {
    const { maxKeys = 10_000, ttl = Infinity, scheduler = asyncScheduler, onEvict } = options;
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new InvalidArgumentError(`KeyedState maxKeys must be a positive integer, got ${maxKeys}`);
    if (!(ttl > 0)) throw new InvalidArgumentError(`KeyedState ttl must be positive, got ${ttl}`);
    this.maxKeys = maxKeys;
    this.ttl = ttl;
    this.scheduler = scheduler;
    this.onEvict = onEvict;
  }

  /** The number of keys held. */
  get size(): number {
    return this.entries.size;
  }

  /** Evictions so far, by reason (a copy). */
  get evictions(): KeyedStateEvictions {
    return { ...this.counts };
  }

  /** The keys from least to most recently used (unexpired ones as of the last use of the store). */
  keys(): K[] {
    const keys: K[] = [];
    for (let entry = this.oldest; entry; entry = entry.newer) keys.push(entry.key);
    return keys;
  }

  /** A key's state (marking it used), or `undefined` when it has none or it expired. */
  get(key: K): S | undefined {
    const now = this.now();
    this.expire(now);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.touch(entry, now);
    return entry.state;
  }

  /** Sets a key's state (marking it used), evicting the least recently used key if that makes one too many. */
  set(key: K, state: S): void {
    const now = this.now();
    this.expire(now);
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      entry.state = state;
      this.touch(entry, now);
      return;
    }
    if (this.entries.size >= this.maxKeys) this.evict(this.oldest!, 'capacity');
    const added: Entry<K, S> = { key, state, usedAt: now, older: this.newest, newer: undefined };
    if (this.newest) this.newest.newer = added;
    else this.oldest = added;
    this.newest = added;
    this.entries.set(key, added);
  }

  /** Replaces a key's state with `change(state)` (`undefined` when it has none) and returns the new state. */
  update(key: K, change: (state: S | undefined) => S): S {
    const next = change(this.get(key));
    this.set(key, next);
    return next;
  }

  /** Forgets a key (not counted as an eviction); returns whether it had state. */
  delete(key: K): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.unlink(entry);
    return true;
  }

  private now(): number {
    return this.ttl === Infinity ? 0 : this.scheduler.now();
  }

  /** Evicts expired keys: they are the least recently used ones, since every use renews the same ttl. */
  private expire(now: number): void {
    while (this.oldest !== undefined && now - this.oldest.usedAt >= this.ttl) this.evict(this.oldest, 'expired');
  }

  private evict(entry: Entry<K, S>, reason: 'capacity' | 'expired'): void {
    this.unlink(entry);
    this.counts[reason]++;
    this.onEvict?.(entry.key, entry.state, reason);
  }

  private touch(entry: Entry<K, S>, now: number): void {
    entry.usedAt = now;
    if (entry === this.newest) return;
    this.detach(entry);
    entry.older = this.newest;
    entry.newer = undefined;
    this.newest!.newer = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry<K, S>): void {
    this.detach(entry);
    this.entries.delete(entry.key);
  }

  private detach(entry: Entry<K, S>): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
  }
}
