import type { OperatorFunction, Subscriber } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Aggregator } from './aggregator.js';
import type { EventTimeElement, Timestamped } from './event-time-element.js';
import { TimerHeap } from './timer-heap.js';
import { windowOperator, type WindowState } from './window-operator.js';
import { checkWindowOptions, noKey, windowResultElement, type WindowOptions, type WindowResult } from './window-options.js';

/**
 * Keyed session windows in event time: a key's values less than `gap` apart form one session
 * `[first value, last value + gap)`; a value `gap` or more after the previous one starts a new session.
 * A value that bridges two sessions merges them (their accumulators are combined with the aggregate's
 * `merge`, which is therefore required). A session emits its result when the watermark reaches its end;
 * late values within `allowedLateness` extend or merge sessions and re-emit them as `'update'` (a merged
 * session's result supersedes the results of the sessions it absorbed: same key, a window containing
 * theirs); later ones are dropped (`onDropped`).
 *
 * ```text
 * gap 6, allowedLateness 10   a(0) b(3) c(13) W10          d(8)                        W20
 * output                                      [0,9)=2 W10  (bridges [0,9) and [13,19))  [0,19)=4 update, W20
 * ```
 *
 * @example
 * ```ts
 * import { counting, sessionWindows, withEventTime } from 'streamrx';
 * posts$.pipe(
 *   withEventTime((p) => p.createdAt, { maxLateness: 5_000 }),
 *   sessionWindows(30 * 60_000, { key: (p) => p.author, aggregate: counting(), allowedLateness: 60_000 }),
 * );
 * ```
 */
export function sessionWindows<T, K = undefined, A = unknown, R = unknown>(
  gap: number,
  options: WindowOptions<T, K, A, R>,
): OperatorFunction<EventTimeElement<T>, EventTimeElement<WindowResult<K, R>>> {
  if (!(gap > 0) || !Number.isFinite(gap)) throw new InvalidArgumentError(`session gap must be a positive number, got ${gap}`);
  checkWindowOptions(options);
  if (typeof options.aggregate.merge !== 'function') throw new InvalidArgumentError('session windows need an aggregate with merge (counting() and summing() have one; reducing() takes it as its third argument)');
  return windowOperator(options, (subscriber) => new Sessions<T, K, A, R>(gap, options, subscriber));
}

class Session<K, A> {
  /** Still the key's session (not merged into another, not released). */
  alive = true;
  /** Its result was emitted before (the next one is an update). */
  emitted = false;
  /** Waiting for the watermark to reach its end. */
  pending = false;
  /** Changed since its last early result. */
  changed = false;
  /** The end its timers were set for. */
  timedEnd = NaN;
  constructor(
    readonly key: K,
    public start: number,
    public end: number,
    public accumulator: A,
  ) {}
}

/** The sessions of one subscription, per key in start order, with timers for firing and release. */
class Sessions<T, K, A, R> implements WindowState<T> {
  private readonly byKey = new Map<K, Session<K, A>[]>();
  private readonly fireTimers = new TimerHeap<Session<K, A>>();
  private readonly releaseTimers = new TimerHeap<Session<K, A>>();
  private readonly changed = new Set<Session<K, A>>();
  private readonly key: (value: T) => K;
  private readonly aggregate: Aggregator<T, A, R>;
  private readonly merge: (a: A, b: A) => A;
  private readonly lateness: number;
  private readonly tracksChanges: boolean;
  private watermark = -Infinity;

  constructor(
    private readonly gap: number,
    private readonly options: WindowOptions<T, K, A, R>,
    private readonly out: Subscriber<EventTimeElement<WindowResult<K, R>>>,
  ) {
    this.key = options.key ?? (noKey as () => K);
    this.aggregate = options.aggregate;
    this.merge = options.aggregate.merge!;
    this.lateness = options.allowedLateness ?? 0;
    this.tracksChanges = options.earlyResults !== undefined;
  }

  add(element: Timestamped<T>): void {
    const { time, value } = element;
    const key = this.key(value);
    let list = this.byKey.get(key);
    const [first, count] = list === undefined ? [0, 0] : overlapping(list, time, time + this.gap);
    if (count === 0 && time + this.gap + this.lateness <= this.watermark) {
      this.options.onDropped?.(element);
      return;
    }
    if (list === undefined) this.byKey.set(key, (list = []));
    const session = count === 0 ? this.opened(list, first, key, time) : this.merged(list, first, count, time);
    session.accumulator = this.aggregate.add(session.accumulator, value);
    this.schedule(session);
    if (time < this.watermark) this.options.onLate?.(element);
  }

  advance(time: number, mark: EventTimeElement<WindowResult<K, R>> | undefined): void {
    if (time <= this.watermark) return;
    this.watermark = time;
    for (let s = this.fireTimers.popUntil(time); s !== undefined; s = this.fireTimers.popUntil(time)) {
      if (s.alive && s.pending && s.end <= time) this.emit(s, s.emitted ? 'update' : 'onTime');
    }
    for (let s = this.releaseTimers.popUntil(time - this.lateness); s !== undefined; s = this.releaseTimers.popUntil(time - this.lateness)) {
      if (s.alive && s.end + this.lateness <= time) this.release(s);
    }
    this.out.next(mark ?? { type: 'watermark', time });
  }

  emitEarly(): void {
    for (const session of this.changed) {
      if (session.alive && session.pending) this.out.next(windowResultElement(session.key, session.start, session.end, this.aggregate.result(session.accumulator), 'early'));
      session.changed = false;
    }
    this.changed.clear();
  }

  private opened(list: Session<K, A>[], at: number, key: K, time: number): Session<K, A> {
    const session = new Session<K, A>(key, time, time + this.gap, this.aggregate.create());
    list.splice(at, 0, session);
    return session;
  }

  /** Folds the `count` sessions from `first` and the value at `time` into the first of them. */
  private merged(list: Session<K, A>[], first: number, count: number, time: number): Session<K, A> {
    const session = list[first]!;
    for (let i = first + 1; i < first + count; i++) {
      const absorbed = list[i]!;
      session.accumulator = this.merge(session.accumulator, absorbed.accumulator);
      session.emitted ||= absorbed.emitted;
      absorbed.alive = false;
      session.end = Math.max(session.end, absorbed.end);
    }
    if (count > 1) list.splice(first + 1, count - 1);
    session.start = Math.min(session.start, time);
    session.end = Math.max(session.end, time + this.gap);
    return session;
  }

  /** Emits at once when the session is already past the watermark (a late value), else waits for it. */
  private schedule(session: Session<K, A>): void {
    if (session.end <= this.watermark) this.emit(session, 'update');
    else {
      session.pending = true;
      if (this.tracksChanges && !session.changed) {
        session.changed = true;
        this.changed.add(session);
      }
    }
    if (session.end === session.timedEnd) return;
    session.timedEnd = session.end;
    if (session.pending) this.fireTimers.push(session.end, session);
    this.releaseTimers.push(session.end, session);
  }

  private emit(session: Session<K, A>, kind: WindowResult<K, R>['kind']): void {
    session.pending = false;
    session.emitted = true;
    this.out.next(windowResultElement(session.key, session.start, session.end, this.aggregate.result(session.accumulator), kind));
  }

  private release(session: Session<K, A>): void {
    session.alive = false;
    const list = this.byKey.get(session.key)!;
    list.splice(list.indexOf(session), 1);
    if (list.length === 0) this.byKey.delete(session.key);
  }
}

/** The sessions of a key's list (in start order, disjoint) that `[start, end)` overlaps: index of the first, and how many. */
function overlapping<K, A>(list: readonly Session<K, A>[], start: number, end: number): [number, number] {
  let first = 0;
  while (first < list.length && list[first]!.end <= start) first++;
  let last = first;
  while (last < list.length && list[last]!.start < end) last++;
  return [first, last - first];
}
