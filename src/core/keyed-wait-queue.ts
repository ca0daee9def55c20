import type { SchedulerLike, Subscription } from 'rxjs';

/** The longest delay a Node timer keeps; a longer one fires after 1 ms instead. The drain re-arms. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/** One waiting item and its arrival number, which orders items across keys. */
interface Entry<T> {
  readonly item: T;
  readonly arrival: number;
}

/**
 * Items waiting for their key's budget: one FIFO per key, released in order as soon as `waitOf(key)` says
 * 0, with at most one timer per key armed for the wait it reports. Keys never block each other.
 */
export class KeyedWaitQueue<T> {
  private readonly queues = new Map<string, Entry<T>[]>();
  private readonly timers = new Map<string, Subscription>();
  private arrivals = 0;
  /** Items waiting, across keys. */
  size = 0;

  constructor(
    private readonly scheduler: SchedulerLike,
    /** Milliseconds until `key` may start its next item; 0 = now. */
    private readonly waitOf: (key: string) => number,
    /** Starts an item; called once per item, in arrival order per key, after it left the queue. */
    private readonly start: (key: string, item: T) => void,
  ) {}

  /** Whether items of `key` are waiting, so a newcomer must queue behind them. */
  has(key: string): boolean {
    return this.queues.has(key);
  }

  /** Queues `item` behind the others of `key` and starts what the budget already allows. */
  add(key: string, item: T): void {
    const queue = this.queues.get(key);
    this.size++;
    const entry = { item, arrival: this.arrivals++ };
    if (queue) {
      queue.push(entry);
      return;
    }
    this.queues.set(key, [entry]);
    this.drain(key);
  }

  /** Takes `item` out of `key`'s queue before it started; returns whether it was waiting. */
  remove(key: string, item: T): boolean {
    const queue = this.queues.get(key);
    const index = queue ? queue.findIndex((entry) => entry.item === item) : -1;
    if (!queue || index < 0) return false;
    queue.splice(index, 1);
    this.size--;
    if (queue.length === 0) this.forget(key);
    return true;
  }

  /** Takes out and returns the item that has waited longest across all keys. */
  removeOldest(): T | undefined {
    let oldestKey: string | undefined;
    let oldest: Entry<T> | undefined;
    for (const [key, queue] of this.queues) {
      if (oldest === undefined || queue[0]!.arrival < oldest.arrival) [oldestKey, oldest] = [key, queue[0]!];
    }
    if (oldestKey === undefined || oldest === undefined) return undefined;
    this.remove(oldestKey, oldest.item);
    return oldest.item;
  }

  /** Re-asks `key`'s budget now, after it changed (a hold, a new allowance). */
  wake(key: string): void {
    if (this.queues.has(key)) this.drain(key);
  }

  /** Drops every waiting item and cancels every timer. */
  clear(): void {
    for (const timer of this.timers.values()) timer.unsubscribe();
    this.timers.clear();
    this.queues.clear();
    this.size = 0;
  }

  private drain(key: string): void {
    const queue = this.queues.get(key);
    while (queue !== undefined && this.queues.get(key) === queue) {
      const wait = this.waitOf(key);
      if (wait > 0) return this.arm(key, wait);
      const { item } = queue.shift()!;
      this.size--;
      if (queue.length === 0) this.forget(key);
      // May re-enter add/remove/wake/clear; the loop re-checks that this queue is still the key's.
      this.start(key, item);
    }
  }

  private arm(key: string, wait: number): void {
    this.timers.get(key)?.unsubscribe();
    this.timers.set(
      key,
      this.scheduler.schedule(() => {
        this.timers.delete(key);
        this.drain(key);
      }, Math.min(wait, MAX_TIMER_DELAY)),
    );
  }

  private forget(key: string): void {
    this.queues.delete(key);
    this.timers.get(key)?.unsubscribe();
    this.timers.delete(key);
  }
}
