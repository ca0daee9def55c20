import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { InvalidArgumentError, RateLimitQueueFullError } from './errors.js';
import { KeyedWaitQueue } from './keyed-wait-queue.js';
import { checkRateRule, type RateRule } from './rate-rule.js';
import { SlidingWindow } from './sliding-window.js';

/** Options of {@link RateGovernor}. */
export interface RateGovernorOptions {
  /**
   * The rules of a key (an RPC or endpoint name), asked once per key: every rule must have room for a call
   * to start. `[]` means no limit of our own (server holds still apply).
   * @default () => []
   */
  rules?: (key: string) => readonly RateRule[];
  /** Calls allowed to wait at once, across keys; past it a call errors with {@link RateLimitQueueFullError}. @default 10000 */
  maxQueued?: number;
  /** Clock and timers; inside `TestScheduler.run()` the default is virtualised. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Told about every call that starts after waiting: its key and how long it waited, in ms (e.g. for telemetry). @default none */
  onWaited?: (key: string, waitedMs: number) => void;
  /** Told each time the calls waiting, across keys, go up (`change` 1) or down (`change` -1) (e.g. for telemetry). @default none */
  onQueueChanged?: (change: number) => void;
}

/** A key held until a time by a server answer (see {@link RateGovernor.holdUntil}). */
export interface RateGovernorHold {
  /** The held key. */
  key: string;
  /** Scheduler time (ms) until which its calls wait. */
  until: number;
}

/** A snapshot of a {@link RateGovernor}, for monitoring. */
export interface RateGovernorState {
  /** Calls waiting now, across keys. */
  queued: number;
  /** Keys held now by a server answer (a hold, or an exhausted `remaining`), and until when. */
  held: readonly RateGovernorHold[];
  /** Calls that had to wait, since the governor was created. */
  waits: number;
  /** Total time waited by the calls that have started after waiting, in milliseconds. */
  waitedMs: number;
}

/** What the server said remains of a key's budget, until its reset. */
interface Allowance {
  left: number;
  readonly resetAt: number;
}

/** Everything that decides when a key's next call may start. */
interface KeyBudget {
  readonly windows: readonly SlidingWindow[];
  holdUntil: number;
  allowance: Allowance | undefined;
}

/** A call waiting in the queue, and when it began to wait. */
interface Waiter {
  readonly start: () => void;
  readonly since: number;
}

/**
 * Rate limits shared by every pipeline of a client: calls are scheduled per key (an RPC or endpoint name),
 * start in FIFO order per key when every rule of the key has room, and wait while a server answer holds
 * the key (429 `Retry-After`, `RESOURCE_EXHAUSTED`, `ratelimit-remaining: 0`). The start of a call is what
 * counts; a call unsubscribed while waiting leaves the queue without counting.
 *
 * @example
 * ```ts
 * const governor = new RateGovernor({ rules: (rpc) => (rpc === 'CreatePost' ? [{ limit: 20, window: 60_000 }] : []) });
 * const post$ = governor.schedule('CreatePost', defer(() => client.createPost(request)));
 * // on every answer: governor.observeRemaining('CreatePost', remaining, resetAt);
 * // on RESOURCE_EXHAUSTED with retry-after: governor.holdUntil('CreatePost', Date.now() + retryAfterMs);
 * ```
 */
export class RateGovernor {
  private readonly rules: (key: string) => readonly RateRule[];
  private readonly maxQueued: number;
  private readonly scheduler: SchedulerLike;
  private readonly onWaited: ((key: string, waitedMs: number) => void) | undefined;
  private readonly onQueueChanged: ((change: number) => void) | undefined;
  private readonly budgets = new Map<string, KeyBudget>();
  private readonly queue: KeyedWaitQueue<Waiter>;
  private waits = 0;
  private waitedMs = 0;

  constructor(options: RateGovernorOptions = {}) {
    const { rules = () => [], maxQueued = 10_000, scheduler = asyncScheduler } = options;
    if (!Number.isInteger(maxQueued) || maxQueued < 0) {
      throw new InvalidArgumentError(`RateGovernor: maxQueued must be a non-negative integer, got ${String(maxQueued)}`);
    }
    this.rules = rules;
    this.maxQueued = maxQueued;
    this.scheduler = scheduler;
    this.onWaited = options.onWaited;
    this.onQueueChanged = options.onQueueChanged;
    this.queue = new KeyedWaitQueue<Waiter>(scheduler, (key) => this.waitOf(key), (key, waiter) => this.startAfterWait(key, waiter));
  }

  /**
   * Cold: on subscribe, waits for `key`'s budget (its rules, any hold, FIFO behind earlier calls of the key),
   * then subscribes `call`. Errors with {@link RateLimitQueueFullError} when `maxQueued` calls already wait,
   * and with {@link InvalidArgumentError} when the key's rules are invalid.
   *
   * @example
   * ```ts
   * governor.schedule('notes/create', defer(() => api('notes/create', { text: 'hi' }))).subscribe();
   * ```
   */
  schedule<R>(key: string, call: Observable<R>): Observable<R> {
    return new Observable<R>((subscriber) => {
      if (!this.queue.has(key) && this.waitOf(key) === 0) {
        this.recordStart(key);
        return call.subscribe(subscriber);
      }
      if (this.queue.size >= this.maxQueued) return subscriber.error(new RateLimitQueueFullError(this.maxQueued));
      let waiting = true;
      const waiter: Waiter = {
        since: this.scheduler.now(),
        start: () => {
          waiting = false;
          call.subscribe(subscriber);
        },
      };
      this.waits++;
      this.onQueueChanged?.(1); // before add: add may start the call at once
      this.queue.add(key, waiter);
      return () => {
        if (!waiting) return;
        this.queue.remove(key, waiter);
        this.onQueueChanged?.(-1);
      };
    });
  }

  /**
   * Holds every call of `key` until `until` (scheduler time, ms), e.g. after a 429 with `Retry-After` or a
   * `RESOURCE_EXHAUSTED`. Of two holds the longer wins.
   *
   * @example
   * ```ts
   * governor.holdUntil('notes/create', scheduler.now() + retryAfterMs);
   * ```
   */
  holdUntil(key: string, until: number): void {
    checkTime(until, 'holdUntil: until');
    const budget = this.budgetOf(key);
    budget.holdUntil = Math.max(budget.holdUntil, until);
    this.queue.wake(key);
  }

  /**
   * What the server said remains of `key`'s budget (e.g. mixi2 `ratelimit-remaining` / `ratelimit-reset`):
   * with `remaining` 0 the key is held until `resetAt`; otherwise at most `remaining` more calls start before
   * `resetAt`. The newest observation replaces the previous one. Both are checked (`InvalidArgumentError`).
   *
   * @example
   * ```ts
   * governor.observeRemaining('CreatePost', 0, scheduler.now() + 30_000); // held for 30 s
   * ```
   */
  observeRemaining(key: string, remaining: number, resetAt: number): void {
    checkTime(resetAt, 'observeRemaining: resetAt');
    if (!Number.isInteger(remaining) || remaining < 0) {
      throw new InvalidArgumentError(`observeRemaining: remaining must be a non-negative integer, got ${String(remaining)}`);
    }
    if (remaining === 0) return this.holdUntil(key, resetAt);
    this.budgetOf(key).allowance = { left: remaining, resetAt };
    this.queue.wake(key);
  }

  /**
   * A snapshot for monitoring: calls waiting, keys held and until when, waits so far and their total time.
   *
   * @example
   * ```ts
   * const { queued, held } = governor.state();
   * ```
   */
  state(): RateGovernorState {
    const now = this.scheduler.now();
    const held: RateGovernorHold[] = [];
    for (const [key, budget] of this.budgets) {
      const exhaustedUntil = budget.allowance && budget.allowance.left <= 0 ? budget.allowance.resetAt : -Infinity;
      const until = Math.max(budget.holdUntil, exhaustedUntil);
      if (until > now) held.push({ key, until });
    }
    return { queued: this.queue.size, held, waits: this.waits, waitedMs: this.waitedMs };
  }

  private waitOf(key: string): number {
    const budget = this.budgetOf(key);
    const now = this.scheduler.now();
    let wait = budget.holdUntil - now;
    const allowance = budget.allowance;
    if (allowance !== undefined && allowance.resetAt <= now) budget.allowance = undefined;
    else if (allowance !== undefined && allowance.left <= 0) wait = Math.max(wait, allowance.resetAt - now);
    for (const window of budget.windows) wait = Math.max(wait, window.waitAt(now));
    return wait > 0 ? wait : 0;
  }

  private recordStart(key: string): void {
    const budget = this.budgetOf(key);
    const now = this.scheduler.now();
    for (const window of budget.windows) window.record(now);
    if (budget.allowance !== undefined) budget.allowance.left--;
  }

  private startAfterWait(key: string, waiter: Waiter): void {
    this.recordStart(key);
    const waited = this.scheduler.now() - waiter.since;
    this.waitedMs += waited;
    this.onWaited?.(key, waited);
    this.onQueueChanged?.(-1);
    waiter.start();
  }

  private budgetOf(key: string): KeyBudget {
    let budget = this.budgets.get(key);
    if (budget === undefined) {
      const rules = this.rules(key);
      for (const rule of rules) checkRateRule(rule, `RateGovernor rule of "${key}"`);
      budget = { windows: rules.map((rule) => new SlidingWindow(rule)), holdUntil: -Infinity, allowance: undefined };
      this.budgets.set(key, budget);
    }
    return budget;
  }
}

function checkTime(time: number, what: string): void {
  if (!Number.isFinite(time)) throw new InvalidArgumentError(`${what} must be a finite time in milliseconds, got ${time}`);
}
