import { Observable, Subscription } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { EventTimeElement, Timestamped } from './event-time-element.js';
import { TimerHeap } from './timer-heap.js';
import { WatermarkMerger } from './watermark-merger.js';

/**
 * A pair found by {@link intervalJoin}: a left and a right value with the same key, the right one's time
 * within the bounds of the left one's. The element carrying it is stamped with the later of the two times.
 *
 * @example
 * ```ts
 * const pair: IntervalJoined<string, string, string> = {
 *   key: 'note-1', left: timestamped('mention', 1_000), right: timestamped('reply', 61_000),
 * };
 * ```
 */
export interface IntervalJoined<K, L, R> {
  /** The shared key. */
  readonly key: K;
  /** The left value with its time. */
  readonly left: Timestamped<L>;
  /** The right value with its time. */
  readonly right: Timestamped<R>;
}

/**
 * Options of {@link intervalJoin}.
 *
 * @example
 * ```ts
 * const options: IntervalJoinOptions<Post, Reply, string> = { leftKey: (p) => p.id, rightKey: (r) => r.postId, upperBound: 10 * 60_000 };
 * ```
 */
export interface IntervalJoinOptions<L, R, K> {
  /** The key of a left value. Required. */
  leftKey: (value: L) => K;
  /** The key of a right value. Required. */
  rightKey: (value: R) => K;
  /** Least `right.time - left.time` of a pair (inclusive; negative: the right value may come first). @default 0 */
  lowerBound?: number;
  /** Greatest `right.time - left.time` of a pair (inclusive). Required. */
  upperBound: number;
  /** Told about each value that arrived behind the join's watermark: it is dropped, joined with nothing. @default none */
  onDropped?: (value: Timestamped<L> | Timestamped<R>, side: 'left' | 'right') => void;
}

type Side = 0 | 1;

/** A buffered value and the key it was filed under. */
interface Buffered<K> {
  key: K;
  element: Timestamped<unknown>;
  side: Side;
}

/**
 * Joins two keyed event-time streams within a time bound: every left value is paired with every right
 * value of the same key whose time lies in `[left.time + lowerBound, left.time + upperBound]` (a post
 * and the replies or reactions to it within an hour). The watermark is that of {@link mergeEventTime}
 * over both inputs (the minimum of the live ones); a value behind it is dropped (`onDropped`). Each value
 * is kept only while a partner can still arrive: a left one until the watermark passes `time +
 * upperBound`, a right one until it passes `time - lowerBound`. Completes when both inputs have.
 *
 * ```text
 * bounds [0, 10]   left  m1(0)            m2(20)
 *                  right        r1(4)             r2(25)   r3(31)
 * pairs                         (m1,r1)           (m2,r2)            r3 is 11 after m2: no pair
 * ```
 *
 * @example
 * ```ts
 * import { intervalJoin, withEventTime } from 'streamrx';
 * intervalJoin(
 *   mentions$.pipe(withEventTime((m) => m.at, { maxLateness: 5_000 })),
 *   replies$.pipe(withEventTime((r) => r.at, { maxLateness: 5_000 })),
 *   { leftKey: (m) => m.postId, rightKey: (r) => r.inReplyTo, upperBound: 10 * 60_000 },
 * ).subscribe((e) => e.type === 'event' && console.log('answered in time', e.value.key));
 * ```
 */
export function intervalJoin<L, R, K>(
  left: Observable<EventTimeElement<L>>,
  right: Observable<EventTimeElement<R>>,
  options: IntervalJoinOptions<L, R, K>,
): Observable<EventTimeElement<IntervalJoined<K, L, R>>> {
  const { lowerBound = 0, upperBound } = options;
  if (!Number.isFinite(lowerBound) || !Number.isFinite(upperBound) || lowerBound > upperBound) {
    throw new InvalidArgumentError(`intervalJoin needs finite bounds with lowerBound <= upperBound, got [${lowerBound}, ${upperBound}]`);
  }
  return new Observable((subscriber) => {
    const join = new JoinBuffers<L, R, K>(options, lowerBound, upperBound, (pair) => subscriber.next(pair));
    const merger = new WatermarkMerger(2);
    let completed = 0;
    const subscriptions = new Subscription();
    const subscribeSide = <V>(source: Observable<EventTimeElement<V>>, side: Side): void => {
      subscriptions.add(
        source.subscribe({
          next: (element) => {
            if (element.type === 'event') {
              merger.valueFrom(side);
              join.add(element, side, merger.time);
              return;
            }
            const mark = merger.watermarkFrom(side, element);
            if (mark) join.advance(mark.time, () => subscriber.next(mark));
          },
          error: (e) => subscriber.error(e),
          complete: () => {
            const mark = merger.completed(side);
            if (mark) join.advance(mark.time, () => subscriber.next(mark));
            if (++completed === 2) subscriber.complete();
          },
        }),
      );
    };
    subscribeSide(left, 0);
    subscribeSide(right, 1);
    return subscriptions;
  });
}

/** The values of both sides still waiting for partners, per key, released by watermark. */
class JoinBuffers<L, R, K> {
  private readonly buffers: [Map<K, Buffered<K>[]>, Map<K, Buffered<K>[]>] = [new Map(), new Map()];
  private readonly expiry = new TimerHeap<Buffered<K>>();

  constructor(
    private readonly options: IntervalJoinOptions<L, R, K>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
    private readonly emit: (pair: Timestamped<IntervalJoined<K, L, R>>) => void,
  ) {}

  add(element: Timestamped<unknown>, side: Side, watermark: number): void {
    if (element.time < watermark) {
      this.options.onDropped?.(element as Timestamped<L> | Timestamped<R>, side === 0 ? 'left' : 'right');
      return;
    }
    const key = side === 0 ? this.options.leftKey(element.value as L) : this.options.rightKey(element.value as R);
    for (const partner of this.buffers[side === 0 ? 1 : 0].get(key) ?? []) {
      const [l, r] = side === 0 ? [element, partner.element] : [partner.element, element];
      const distance = r.time - l.time;
      if (distance < this.lowerBound || distance > this.upperBound) continue;
      const value: IntervalJoined<K, L, R> = { key, left: l as Timestamped<L>, right: r as Timestamped<R> };
      this.emit({ type: 'event', value, time: Math.max(l.time, r.time) });
    }
    const buffered: Buffered<K> = { key, element, side };
    const own = this.buffers[side];
    const list = own.get(key);
    if (list) list.push(buffered);
    else own.set(key, [buffered]);
    // Expires once the watermark passes the last time a partner could have: only then can none arrive.
    this.expiry.push(side === 0 ? element.time + this.upperBound : element.time - this.lowerBound, buffered);
  }

  /** Releases what can no longer pair at watermark `time`, then emits the watermark. */
  advance(time: number, emitMark: () => void): void {
    for (let b = this.expiry.popBefore(time); b !== undefined; b = this.expiry.popBefore(time)) this.release(b);
    emitMark();
  }

  private release(buffered: Buffered<K>): void {
    const own = this.buffers[buffered.side];
    const list = own.get(buffered.key)!;
    list.splice(list.indexOf(buffered), 1);
    if (list.length === 0) own.delete(buffered.key);
  }
}

