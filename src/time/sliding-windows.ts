import type { OperatorFunction, Subscriber } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Aggregator } from './aggregator.js';
import type { EventTimeElement, Timestamped } from './event-time-element.js';
import { windowOperator, type WindowState } from './window-operator.js';
import { checkWindowOptions, noKey, windowResultElement, type WindowOptions, type WindowResult } from './window-options.js';

/**
 * Keyed sliding (hopping) windows in event time: windows of `size` start every `slide` (aligned to time
 * 0), so each value falls into `size / slide` of them; each key's values in a window are folded by
 * `aggregate`. A window emits one result per key when the watermark reaches its end (`'onTime'`), then
 * takes late values until the watermark passes `end + allowedLateness`, re-emitting the key's corrected
 * result at once (`'update'`), and is released. Watermarks pass through after the results they caused;
 * on completion every open window is emitted.
 *
 * ```text
 * size 10, slide 5   a(7)  b(12)  W10          W15          W20
 * output                          [0,10)=1 W10 [5,15)=2 W15 [10,20)=1 W20   (a is in [0,10) and [5,15))
 * ```
 *
 * @example
 * ```ts
 * import { counting, slidingWindows, withEventTime } from 'streamrx';
 * tags$.pipe(
 *   withEventTime((t) => t.at, { maxLateness: 5_000 }),
 *   slidingWindows(5 * 60_000, 60_000, { key: (t) => t.tag, aggregate: counting(), allowedLateness: 60_000 }),
 * );
 * ```
 */
export function slidingWindows<T, K = undefined, A = unknown, R = unknown>(
  size: number,
  slide: number,
  options: WindowOptions<T, K, A, R>,
): OperatorFunction<EventTimeElement<T>, EventTimeElement<WindowResult<K, R>>> {
  if (!(size > 0) || !Number.isFinite(size)) throw new InvalidArgumentError(`window size must be a positive number, got ${size}`);
  if (!(slide > 0) || !Number.isFinite(slide)) throw new InvalidArgumentError(`window slide must be a positive number, got ${slide}`);
  checkWindowOptions(options);
  return windowOperator(options, (subscriber) => new FixedWindows<T, K, A, R>(size, slide, options, subscriber));
}


/** One window's per-key accumulators. */
class Window<K, A> {
  readonly accumulators = new Map<K, A>();
  /** Keys changed since the last early result (only with early results). */
  readonly changed = new Set<K>();
  fired = false;
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}

/** The state of the windows of one subscription: open windows by start, released past their lateness. */
class FixedWindows<T, K, A, R> implements WindowState<T> {
  private readonly windows = new Map<number, Window<K, A>>();
  private readonly key: (value: T) => K;
  private readonly aggregate: Aggregator<T, A, R>;
  private readonly lateness: number;
  private readonly tracksChanges: boolean;
  private watermark = -Infinity;
  /** The soonest time at which some window fires or is released: watermarks below it cost nothing. */
  private nextDue = Infinity;
  private lastWindow: Window<K, A> | undefined;

  constructor(
    private readonly size: number,
    private readonly slide: number,
    options: WindowOptions<T, K, A, R>,
    private readonly out: Subscriber<EventTimeElement<WindowResult<K, R>>>,
    private readonly onLate = options.onLate,
    private readonly onDropped = options.onDropped,
  ) {
    this.key = options.key ?? (noKey as () => K);
    this.aggregate = options.aggregate;
    this.lateness = options.allowedLateness ?? 0;
    this.tracksChanges = options.earlyResults !== undefined;
  }

  add(element: Timestamped<T>): void {
    const { time, value } = element;
    const key = this.key(value);
    let accepted = false;
    const last = time - positiveModulo(time, this.slide);
    for (let start = last; start > time - this.size; start -= this.slide) {
      const end = start + this.size;
      if (end + this.lateness <= this.watermark) break;
      accepted = true;
      this.addTo(this.windowAt(start, end), key, value);
    }
    if (!accepted) this.onDropped?.(element);
    else if (time < this.watermark) this.onLate?.(element);
  }

  /** The watermark moved to `time`: emits the windows it completes, releases the expired ones, forwards `mark`. */
  advance(time: number, mark: EventTimeElement<WindowResult<K, R>> | undefined): void {
    if (time <= this.watermark) return;
    this.watermark = time;
    if (time >= this.nextDue) this.fireAndRelease();
    if (mark) this.out.next(mark);
    else if (time === Infinity) this.out.next({ type: 'watermark', time });
  }

  emitEarly(): void {
    for (const window of this.windows.values()) {
      if (window.fired || window.changed.size === 0) continue;
      for (const key of window.changed) this.emit(window, key, 'early');
      window.changed.clear();
    }
  }

  private windowAt(start: number, end: number): Window<K, A> {
    // Most values fall into the window the previous one did: skip the lookup then.
    if (this.lastWindow !== undefined && this.lastWindow.start === start) return this.lastWindow;
    let window = this.windows.get(start);
    if (window === undefined) {
      window = new Window<K, A>(start, end);
      window.fired = end <= this.watermark;
      this.windows.set(start, window);
      this.nextDue = Math.min(this.nextDue, window.fired ? end + this.lateness : end);
    }
    this.lastWindow = window;
    return window;
  }

  private addTo(window: Window<K, A>, key: K, value: T): void {
    const accumulators = window.accumulators;
    let accumulator = accumulators.get(key);
    if (accumulator === undefined && !accumulators.has(key)) accumulator = this.aggregate.create();
    accumulators.set(key, this.aggregate.add(accumulator as A, value));
    if (window.fired) this.emit(window, key, 'update');
    else if (this.tracksChanges) window.changed.add(key);
  }

  private fireAndRelease(): void {
    const due = [...this.windows.values()].filter((w) => !w.fired && w.end <= this.watermark).sort((a, b) => a.start - b.start);
    for (const window of due) {
      window.fired = true;
      window.changed.clear();
      for (const key of window.accumulators.keys()) this.emit(window, key, 'onTime');
    }
    let nextDue = Infinity;
    for (const [start, window] of this.windows) {
      if (window.end + this.lateness <= this.watermark) {
        this.windows.delete(start);
        if (window === this.lastWindow) this.lastWindow = undefined;
      }
      else nextDue = Math.min(nextDue, window.fired ? window.end + this.lateness : window.end);
    }
    this.nextDue = nextDue;
  }

  private emit(window: Window<K, A>, key: K, kind: WindowResult<K, R>['kind']): void {
    this.out.next(windowResultElement(key, window.start, window.end, this.aggregate.result(window.accumulators.get(key) as A), kind));
  }
}

function positiveModulo(time: number, divisor: number): number {
  const remainder = time % divisor;
  return remainder < 0 ? remainder + divisor : remainder;
}
