import type { RateRule } from './rate-rule.js';

/**
 * The starts of one key under one {@link RateRule} that still count: runs of (time, count) oldest first,
 * so a burst in one millisecond is one entry. A start may also be recorded unstamped, without a clock read,
 * as long as {@link SlidingWindow.stamp} later gives it a time at or after it happened: counted late, never
 * early, a start can only make later ones wait longer, never let more than `limit` through.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];
  private head = 0;
  /** Starts recorded without a time since the last stamp. */
  unstamped = 0;
  /** Starts held, stamped or not (expired ones leave lazily). */
  private total = 0;

  constructor(private readonly rule: RateRule) {}

  /** Whether a start is allowed without looking at the clock: fewer than `limit` starts are held at all. */
  hasRoom(): boolean {
    return this.total < this.rule.limit;
  }

  /** Milliseconds from `now` until a start is allowed; 0 when one is allowed now. */
  waitAt(now: number): number {
    if (this.total < this.rule.limit) return 0;
    this.stamp(now);
    if (this.total < this.rule.limit) return 0;
    return this.times[this.head]! + this.rule.window - now;
  }

  /** Records a start at `now`. */
  record(now: number): void {
    this.stamp(now);
    this.append(now, 1);
  }

  /** Records a start whose time {@link SlidingWindow.stamp} will give. */
  recordUnstamped(): void {
    this.unstamped++;
    this.total++;
  }

  /** Gives the unstamped starts the time `now` (read after they happened) and forgets expired starts. */
  stamp(now: number): void {
    this.forgetExpired(now);
    if (this.unstamped === 0) return;
    this.total -= this.unstamped;
    this.append(now, this.unstamped);
    this.unstamped = 0;
  }

  /** Whether no start still counts at `now`, so the window can be forgotten. */
  isIdleAt(now: number): boolean {
    return this.unstamped === 0 && (this.times.length === this.head || this.times[this.times.length - 1]! + this.rule.window <= now);
  }

  private append(time: number, count: number): void {
    const last = this.times.length - 1;
    if (last >= this.head && this.times[last] === time) this.counts[last]! += count;
    else {
      this.times.push(time);
      this.counts.push(count);
    }
    this.total += count;
  }

  private forgetExpired(now: number): void {
    const expiredBefore = now - this.rule.window;
    while (this.head < this.times.length && this.times[this.head]! <= expiredBefore) {
      this.total -= this.counts[this.head]!;
      this.head++;
    }
    if (this.head > 64 && this.head * 2 >= this.times.length) {
      this.times.splice(0, this.head);
      this.counts.splice(0, this.head);
      this.head = 0;
    }
  }
}
