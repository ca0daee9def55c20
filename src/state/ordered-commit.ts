import { asyncScheduler, from, Observable, Subscription, type ObservableInput, type OperatorFunction, type SchedulerLike, type Subscriber } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import { CursorStoreError } from './cursor-store-error.js';
import { checkCursorKey, type CursorStore } from './cursor-store.js';
import { LowWatermark } from './low-watermark.js';

/**
 * Options of {@link orderedCommit}.
 *
 * @example
 * ```ts
 * orderedCommit(reply, { store, key: 'mentions', position: (m) => m.body.id, concurrency: 8, commitEvery: 50 });
 * ```
 */
export interface OrderedCommitOptions<T> {
  /** Where positions are committed. Required. */
  store: CursorStore;
  /** The key committed under. Required. */
  key: string;
  /** The position of an event (a note id, a sequence number and page); committed once it and every earlier event are handled. Required. */
  position: (event: T) => unknown;
  /** Handlers running at once; an event starts only while it is fewer than `concurrency` events after the oldest unfinished one. @default 16 */
  concurrency?: number;
  /** A commit is written once this many handled events are uncommitted. @default 100 */
  commitEvery?: number;
  /** …or this long (ms) after the first uncommitted event was handled. @default 1000 */
  commitInterval?: number;
  /**
   * Handled events that may wait for a durable commit before new events are held back: with
   * `concurrency`, the most events a crash makes handled again. Larger keeps a slow store (a file's `fsync`)
   * off the handlers' pace; smaller re-handles less. At least `commitEvery`.
   * @default 20 × commitEvery
   */
  maxUncommitted?: number;
  /** Hears each position once it is durable. @default none */
  onCommit?: (position: unknown) => void;
  /** Scheduler of the commit interval. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * Runs `handler` for every event, `concurrency` at a time, and commits to `store` the position of the
 * newest event such that it and every event before it have been handled (the low-watermark), so that a
 * restarted process reading that position and starting after it handles every event at least once.
 *
 * Commits are batched: one is written after `commitEvery` handled events or `commitInterval` ms, whichever
 * comes first, one write at a time; the last one is written when the source completes (before completing)
 * and when the subscriber unsubscribes (without waiting). A failed handler or source: the position before
 * the first unfinished event is committed, then the error is passed on; that event is never skipped.
 *
 * Bound: an event starts only while fewer than `concurrency` events after the watermark are unfinished and
 * fewer than `maxUncommitted` handled events wait for a durable commit (a slow store holds new events back,
 * they wait in memory). So after a crash at most `concurrency + maxUncommitted` events are handled again.
 *
 * Emits what the handlers emit, as they emit it (like `mergeMap`).
 *
 * @example
 * ```ts
 * const store = fileCursorStore('./cursors.json');
 * const since = await store.read<number>('orders');
 * orders$(since).pipe(
 *   orderedCommit((order) => ship(order), { store, key: 'orders', position: (order) => order.seq, concurrency: 16 }),
 * ).subscribe();
 * ```
 */
export function orderedCommit<T, R>(handler: (event: T, index: number) => ObservableInput<R>, options: OrderedCommitOptions<T>): OperatorFunction<T, R> {
  const settings = settingsOf(options);
  return (source) => new Observable<R>((subscriber) => new CommitRun(source, handler, settings, subscriber).start());
}

type Settings<T> = Required<Omit<OrderedCommitOptions<T>, 'onCommit'>> & Pick<OrderedCommitOptions<T>, 'onCommit'>;

function settingsOf<T>(options: OrderedCommitOptions<T>): Settings<T> {
  const { store, key, position, concurrency = 16, commitEvery = 100, commitInterval = 1000, maxUncommitted = 20 * commitEvery, onCommit, scheduler = asyncScheduler } = options ?? ({} as OrderedCommitOptions<T>);
  if (!store || typeof store.write !== 'function') throw new InvalidArgumentError('orderedCommit: options.store is required');
  checkCursorKey(key);
  if (typeof position !== 'function') throw new InvalidArgumentError('orderedCommit: options.position is required');
  const positiveInteger = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`orderedCommit: ${name} must be a positive integer, got ${value}`);
  };
  positiveInteger('concurrency', concurrency);
  positiveInteger('commitEvery', commitEvery);
  positiveInteger('maxUncommitted', maxUncommitted);
  if (maxUncommitted < commitEvery) throw new InvalidArgumentError(`orderedCommit: maxUncommitted (${maxUncommitted}) must be at least commitEvery (${commitEvery})`);
  if (!(commitInterval >= 0)) throw new InvalidArgumentError(`orderedCommit: commitInterval must be >= 0, got ${commitInterval}`);
  return { store, key, position, concurrency, commitEvery, commitInterval, maxUncommitted, onCommit, scheduler };
}

/** One subscription of {@link orderedCommit}: the waiting events, the running handlers, the watermark and its commits. */
class CommitRun<T, R> {
  /** Events not started yet: `waiting[waitingHead..]` (an index, as `shift()` is linear on long arrays). */
  private waiting: T[] = [];
  private waitingHead = 0;
  private readonly running = new Map<number, Subscription>();
  private readonly mark: LowWatermark<unknown>;
  private readonly input = new Subscription();
  private nextIndex = 0;
  private committed = -1;
  private writing: number | undefined;
  private afterWrite: (() => void) | undefined;
  private timer: Subscription | undefined;
  private sourceDone = false;
  private failure: { error: unknown } | undefined;
  private closed = false;
  private draining = false;

  constructor(
    private readonly source: Observable<T>,
    private readonly handler: (event: T, index: number) => ObservableInput<R>,
    private readonly settings: Settings<T>,
    private readonly subscriber: Subscriber<R>,
  ) {
    this.mark = new LowWatermark(settings.concurrency);
  }

  start(): () => void {
    this.input.add(
      this.source.subscribe({
        next: (event) => {
          this.waiting.push(event);
          if (!this.draining) this.startWaiting();
        },
        error: (error: unknown) => this.fail(error),
        complete: () => {
          this.sourceDone = true;
          this.finishIfDone();
        },
      }),
    );
    return () => this.teardown();
  }

  private get stopped(): boolean {
    return this.closed || this.failure !== undefined;
  }

  /** Whether the next event may start: inside the concurrency window and the commit lag. */
  private mayStart(): boolean {
    const { concurrency, maxUncommitted } = this.settings;
    return this.nextIndex <= this.mark.index + concurrency && this.mark.index - this.committed < maxUncommitted;
  }

  private startWaiting(): void {
    if (this.draining) return;
    this.draining = true;
    while (!this.stopped && this.waitingHead < this.waiting.length && this.mayStart()) {
      const event = this.waiting[this.waitingHead] as T;
      this.waiting[this.waitingHead++] = undefined as T;
      this.run(event, this.nextIndex++);
    }
    if (this.waitingHead === this.waiting.length) {
      this.waiting = [];
      this.waitingHead = 0;
    }
    this.draining = false;
  }

  private run(event: T, index: number): void {
    let output: ObservableInput<R>;
    try {
      this.mark.started(index, this.settings.position(event));
      output = this.handler(event, index);
    } catch (error) {
      return this.fail(error);
    }
    const observer = new HandlerObserver(this, index);
    const subscription = from(output).subscribe(observer);
    if (!observer.finished) this.running.set(index, subscription);
  }

  /** A value of a handler. */
  emit(value: R): void {
    this.subscriber.next(value);
  }

  /** Handler `index` failed. */
  failed(index: number, error: unknown): void {
    this.running.delete(index);
    this.fail(error);
  }

  /** Handler `index` completed: the watermark may move. */
  handled(index: number): void {
    this.running.delete(index);
    if (this.stopped) return;
    if (this.mark.completed(index)) this.scheduleCommit();
    this.startWaiting();
    this.finishIfDone();
  }

  private scheduleCommit(): void {
    const pending = this.mark.index - (this.writing ?? this.committed);
    if (pending >= this.settings.commitEvery) this.commit();
    else if (pending > 0 && !this.timer) {
      this.timer = this.settings.scheduler.schedule(() => {
        this.timer = undefined;
        this.commit();
      }, this.settings.commitInterval);
    }
  }

  /** Writes the watermark (after the running write, if any); `then` runs once everything handled is durable. */
  private commit(then?: () => void): void {
    if (this.writing !== undefined) {
      if (then) this.afterWrite = then;
      return;
    }
    if (this.mark.index <= this.committed) return then?.();
    this.timer?.unsubscribe();
    this.timer = undefined;
    const { index, position } = this.mark;
    this.writing = index;
    const written = (): void => {
      this.writing = undefined;
      this.committed = Math.max(this.committed, index);
      this.settings.onCommit?.(position);
      if (this.closed) return;
      const next = then ?? this.afterWrite;
      this.afterWrite = undefined;
      if (next) return this.commit(next);
      this.scheduleCommit();
      this.startWaiting();
      this.finishIfDone();
    };
    const failed = (error: unknown): void => {
      this.writing = undefined;
      const failure = error instanceof CursorStoreError ? error : new CursorStoreError(`cannot commit the position of "${this.settings.key}"`, true, { cause: error });
      this.end({ error: this.failure?.error ?? failure });
    };
    this.write(position).then(written, failed);
  }

  /** The store's write as a promise, also when the store throws instead of rejecting (a position that is not JSON). */
  private write(position: unknown): Promise<void> {
    try {
      return this.settings.store.write(this.settings.key, position);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private finishIfDone(): void {
    if (!this.sourceDone || this.running.size > 0 || this.waitingHead < this.waiting.length || this.stopped) return;
    this.commit(() => this.end());
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.failure = { error };
    this.stopWork();
    this.commit(() => this.end({ error }));
  }

  /** Completes, or errors with `failure`, and releases everything. */
  private end(failure?: { error: unknown }): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWork();
    if (failure) this.subscriber.error(failure.error);
    else this.subscriber.complete();
  }

  private stopWork(): void {
    this.input.unsubscribe();
    for (const subscription of this.running.values()) subscription.unsubscribe();
    this.running.clear();
    this.waiting = [];
    this.waitingHead = 0;
    this.timer?.unsubscribe();
    this.timer = undefined;
  }

  /** Unsubscribed: stops the handlers and writes the watermark without waiting (the process may go on). */
  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopWork();
    const { index, position } = this.mark;
    if (index > Math.max(this.committed, this.writing ?? -1)) {
      this.write(position).then(
        () => this.settings.onCommit?.(position),
        () => undefined,
      );
    }
  }
}

/** Hears one handler (a class rather than closures: one small object per event). */
class HandlerObserver<T, R> {
  finished = false;

  constructor(
    private readonly run: CommitRun<T, R>,
    private readonly index: number,
  ) {}

  next(value: R): void {
    this.run.emit(value);
  }

  error(error: unknown): void {
    this.finished = true;
    this.run.failed(this.index, error);
  }

  complete(): void {
    this.finished = true;
    this.run.handled(this.index);
  }
}
