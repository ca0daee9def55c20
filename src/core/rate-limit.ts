import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import { InvalidArgumentError, RateLimitQueueFullError } from './errors.js';
import { KeyedWaitQueue } from './keyed-wait-queue.js';
import { checkRateRule, type RateRule } from './rate-rule.js';
import { SlidingWindow } from './sliding-window.js';

/** What {@link rateLimit} does with a value that arrives while `maxQueued` values already wait. */
export type RateLimitOverflow = 'error' | 'drop-newest' | 'drop-oldest';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions<T> {
  /** Values let through in any sliding window (per key): a positive integer. */
  limit: number;
  /** Length of the sliding window, in milliseconds. @default 60000 */
  window?: number;
  /**
   * The budget a value is counted against: each key has its own window and its own queue, values of one key
   * keep their order, and a busy key never delays another.
   * @default one budget for all values
   */
  key?: (value: T) => string;
  /** Values allowed to wait at once, across keys; past it `overflow` decides. @default 10000 */
  maxQueued?: number;
  /**
   * When `maxQueued` values already wait: `'error'` errors with {@link RateLimitQueueFullError};
   * `'drop-newest'` drops the arriving value; `'drop-oldest'` drops the value that has waited longest (of any
   * key) and queues the arriving one.
   * @default 'error'
   */
  overflow?: RateLimitOverflow;
  /**
   * Called for each dropped value with the number of values this subscription has dropped so far, the
   * drop counter for monitoring.
   * @default none
   */
  onDrop?: (value: T, dropped: number) => void;
  /** Clock and timers; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Lets values through at most `limit` times in any sliding `window` of milliseconds, per key: a value passes
 * at once while its key's window has room, otherwise it waits (in order, in a bounded queue) until the
 * oldest start of the window has left it. Passing on is the start that counts, so put the call after it:
 * `rateLimit(...)` then `mergeMap(call)`. Completion waits until the queue has drained; an error passes at
 * once; unsubscribing cancels the waiting values and their timers. A value that passes at once costs no
 * clock read and no allocation: the starts of a burst are timed together by one scheduled action, exactly in
 * virtual time and at most an event-loop turn late (so never allowing more than `limit`) in real time.
 *
 * @example
 * ```ts
 * replies$.pipe(
 *   rateLimit({ limit: 20, window: 60_000, key: (r) => r.channelId, overflow: 'drop-oldest', onDrop: (_r, n) => metrics.dropped(n) }),
 *   mergeMap((r) => client.api.createPost(r)),
 * );
 * ```
 */
export function rateLimit<T>(options: RateLimitOptions<T>): MonoTypeOperatorFunction<T> {
  const { limit, window = 60_000, key, maxQueued = 10_000, overflow = 'error', onDrop, scheduler = asyncScheduler } = options;
  const rule: RateRule = { limit, window };
  checkRateRule(rule, 'rateLimit');
  if (!Number.isInteger(maxQueued) || maxQueued < 0) {
    throw new InvalidArgumentError(`rateLimit: maxQueued must be a non-negative integer, got ${String(maxQueued)}`);
  }
  return (source) =>
    new Observable<T>((subscriber) => {
      const windows = new WindowsByKey(rule, key !== undefined, scheduler);
      let sourceDone = false;
      let dropped = 0;
      const queue = new KeyedWaitQueue<T>(
        scheduler,
        (k) => windows.of(k).waitAt(scheduler.now()),
        (k, value) => {
          windows.of(k).record(scheduler.now());
          subscriber.next(value);
          if (sourceDone && queue.size === 0) subscriber.complete();
        },
      );
      const drop = (value: T): void => onDrop?.(value, ++dropped);
      const admit = (k: string, value: T): void => {
        if (queue.size >= maxQueued) {
          if (overflow === 'error') return subscriber.error(new RateLimitQueueFullError(maxQueued));
          const oldest = overflow === 'drop-oldest' && queue.size > 0 ? queue.removeOldest() : undefined;
          if (oldest === undefined) return drop(value);
          drop(oldest);
        }
        queue.add(k, value);
      };
      const pass = (k: string, value: T): void => {
        const budget = windows.of(k);
        if (queue.size === 0 || !queue.has(k)) {
          if (budget.hasRoom()) {
            windows.recordUnstamped(budget);
            return subscriber.next(value);
          }
          const now = scheduler.now();
          if (budget.waitAt(now) === 0) {
            budget.record(now);
            return subscriber.next(value);
          }
        }
        admit(k, value);
      };
      const subscription = source.subscribe({
        next: (value) => {
          if (key === undefined) return pass('', value);
          let k: string;
          try {
            k = key(value);
          } catch (error) {
            return subscriber.error(error);
          }
          pass(k, value);
        },
        error: (error) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (queue.size === 0) subscriber.complete();
        },
      });
      return () => {
        queue.clear();
        windows.dispose();
        subscription.unsubscribe();
      };
    });
}

/**
 * The sliding window of each key of one subscription. A start the window has room for is recorded without
 * a clock read; one scheduled action per burst then stamps every such start with the time it runs, which
 * is exact in virtual time and at most an event-loop turn late in real time. Windows whose starts have all
 * expired are forgotten once the map has doubled since the last sweep, so ever-new keys keep memory bounded.
 */
class WindowsByKey {
  private readonly single: SlidingWindow;
  private readonly byKey = new Map<string, SlidingWindow>();
  private readonly unstamped: SlidingWindow[] = [];
  private stamping: Subscription | undefined;
  private sweepAt = 1024;

  constructor(
    private readonly rule: RateRule,
    private readonly keyed: boolean,
    private readonly scheduler: SchedulerLike,
  ) {
    this.single = new SlidingWindow(rule);
  }

  of(key: string): SlidingWindow {
    if (!this.keyed) return this.single;
    let window = this.byKey.get(key);
    if (window === undefined) {
      if (this.byKey.size >= this.sweepAt) this.sweep();
      window = new SlidingWindow(this.rule);
      this.byKey.set(key, window);
    }
    return window;
  }

  /** Records a start in `window` now, to be stamped by the next stamping action. */
  recordUnstamped(window: SlidingWindow): void {
    window.recordUnstamped();
    if (window.unstamped > 1) return;
    this.unstamped.push(window);
    this.stamping ??= this.scheduler.schedule(() => this.stampAll());
  }

  dispose(): void {
    this.stamping?.unsubscribe();
  }

  private stampAll(): void {
    this.stamping = undefined;
    const now = this.scheduler.now();
    for (const window of this.unstamped) window.stamp(now);
    this.unstamped.length = 0;
  }

  private sweep(): void {
    const now = this.scheduler.now();
    for (const [key, window] of this.byKey) if (window.isIdleAt(now)) this.byKey.delete(key);
    this.sweepAt = Math.max(1024, this.byKey.size * 2);
  }
}
