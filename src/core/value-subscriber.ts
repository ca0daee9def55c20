import { Subscriber } from 'rxjs';

/**
 * The one subscriber layer of an operator that reacts to each value: hands every value to `onValue` and
 * passes error and completion on to `destination` unchanged; an error thrown by `onValue` ends the stream
 * with that error, as an rxjs operator's projection does. Internal, not exported from the package.
 *
 * Why not `source.subscribe({ next, error, complete })`: rxjs wraps a partial observer in two more layers
 * (a SafeSubscriber and its consumer observer, with a try/catch of its own), about 8 ns per value each
 * time on the reference VM; this layer costs about 1 ns. rxjs 7 (our peer range) marks the Subscriber
 * constructor internal but keeps it; its own operators subclass it the same way.
 *
 * @example
 * ```ts
 * new Observable<T>((subscriber) => source.subscribe(new ValueSubscriber<T>(subscriber, (v) => subscriber.next(v))));
 * ```
 */
export class ValueSubscriber<T> extends Subscriber<T> {
  constructor(
    private readonly downstream: Subscriber<unknown>,
    private readonly onValue: (value: T) => void,
  ) {
    super(downstream);
  }

  protected override _next(value: T): void {
    try {
      this.onValue(value);
    } catch (error) {
      this.downstream.error(error);
    }
  }
}
