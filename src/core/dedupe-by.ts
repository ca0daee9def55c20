import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError } from './errors.js';
import { ValueSubscriber } from './value-subscriber.js';

/** Options of {@link dedupeBy}. */
export interface DedupeOptions {
  /** Most keys remembered; past it the oldest is forgotten first. @default 10000 */
  capacity?: number;
  /** How long a key is remembered after it was first seen, in milliseconds. @default Infinity */
  ttl?: number;
  /** Clock for `ttl`; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Drops values whose key was already seen within a bounded window: at most `capacity` keys (oldest
 * forgotten first), each for at most `ttl` ms after it was first seen. Memory stays bounded however long
 * the stream runs. For at-least-once inputs: webhook retries, reconnect overlaps, gap-fill against live.
 * A `key` function that throws ends the stream with its error, as a throwing `map` projection does.
 *
 * @example
 * ```ts
 * webhookEvents$.pipe(dedupeBy((e) => e.eventId, { capacity: 50_000, ttl: 3_600_000 }));
 * ```
 */
export function dedupeBy<T, K>(key: (value: T) => K, options: DedupeOptions = {}): MonoTypeOperatorFunction<T> {
  const { capacity = 10_000, ttl = Infinity, scheduler = asyncScheduler } = options;
  if (!(capacity >= 1)) throw new InvalidArgumentError(`dedupeBy capacity must be at least 1, got ${capacity}`);
  return (source) =>
    new Observable<T>((subscriber) => {
      const window = ttl === Infinity ? new KeyRing<K>(capacity) : new DedupeWindow<K>(capacity, ttl, scheduler);
      return source.subscribe(
        new ValueSubscriber<T>(subscriber, (value) => {
          if (window.remember(key(value))) subscriber.next(value);
        }),
      );
    });
}

/**
 * The window without expiry: the last `capacity` distinct keys in a ring, a Set for membership. Two Set
 * operations per new key (add, whose size change says whether the key was new, and delete of the oldest)
 * against four Map operations in {@link DedupeWindow}; a repeat costs one.
 */
class KeyRing<K> {
  private readonly seen = new Set<K>();
  private readonly keys: K[];
  private head = 0;

  constructor(private readonly capacity: number) {
    this.keys = new Array<K>(capacity);
  }

  /** Records `key` unless it is among the last `capacity` keys; returns whether it was new. */
  remember(key: K): boolean {
    const sizeBefore = this.seen.size;
    this.seen.add(key);
    if (this.seen.size === sizeBefore) return false;
    if (sizeBefore === this.capacity) this.seen.delete(this.keys[this.head] as K);
    this.keys[this.head] = key;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    return true;
  }
}

/**
 * Keys in first-seen order in a ring of fixed size, with a Map for membership. A ring rather than Map
 * iteration order: taking the oldest key of a Map that keeps losing its head costs time proportional to
 * the deleted entries V8 has not compacted yet.
 */
class DedupeWindow<K> {
  private readonly seenUntil = new Map<K, number>();
  private readonly keys: K[];
  private readonly untils: number[];
  private head = 0;
  private count = 0;

  constructor(
    private readonly capacity: number,
    private readonly ttl: number,
    private readonly scheduler: SchedulerLike,
  ) {
    this.keys = new Array<K>(capacity);
    this.untils = new Array<number>(capacity);
  }

  /** Records `key` unless it is remembered and unexpired; returns whether it was new. */
  remember(key: K): boolean {
    const now = this.scheduler.now();
    const until = now + this.ttl;
    const known = this.seenUntil.get(key);
    if (known !== undefined && known > now) return false;
    while (this.count > 0 && (this.count === this.capacity || this.untils[this.head]! <= now)) this.forgetOldest();
    const slot = (this.head + this.count) % this.capacity;
    this.keys[slot] = key;
    this.untils[slot] = until;
    this.count++;
    this.seenUntil.set(key, until);
    return true;
  }

  private forgetOldest(): void {
    const key = this.keys[this.head]!;
    if (this.seenUntil.get(key) === this.untils[this.head]) this.seenUntil.delete(key);
    this.keys[this.head] = undefined as K;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
  }
}
