import type { Subscriber, Unsubscribable } from 'rxjs';
import type { ChannelLink, ChannelListener } from './channel-link.js';

/**
 * What a fan-out hands messages to: a channel subscription's rxjs Subscriber (only these members are used).
 * @example
 * ```ts
 * new Observable((subscriber) => fanout.join(subscriber satisfies FanoutSubscriber));
 * ```
 */
export type FanoutSubscriber = Pick<Subscriber<unknown>, 'next' | 'error' | 'closed'>;

/** A subscriber's place in a {@link ChannelFanout}: its teardown, the only object a pooled subscription adds. */
class FanoutMembership implements Unsubscribable {
  constructor(
    private readonly fanout: ChannelFanout,
    private readonly subscriber: FanoutSubscriber,
  ) {}

  unsubscribe(): void {
    this.fanout.leave(this.subscriber);
  }
}

/**
 * The subscribers sharing one channel connection. The link hears {@link ChannelFanout.head} (the fan-out
 * itself, or a gap-filler in front of it, so a gap is filled once per connection) and the fan-out hands
 * each message to every subscriber. A subscriber leaving or joining while a message is handed out replaces
 * the array instead of changing it, so the walk in progress is not disturbed (a subscriber that left is
 * closed and skipped). `emptied` is told when the last subscriber left.
 * @example
 * ```ts
 * const fanout = new ChannelFanout(link, (f) => closeConnection(f.link));
 * link.addListener(fanout.head);
 * subscriber.add(fanout.join(subscriber));
 * ```
 */
export class ChannelFanout implements ChannelListener {
  /** What the link hears: this fan-out, or a listener (a gap-filler) whose downstream it is. */
  head: ChannelListener & { dispose?(): void } = this;
  private subscribers: FanoutSubscriber[] = [];
  private walking = 0;

  constructor(
    readonly link: ChannelLink,
    private readonly emptied: (fanout: ChannelFanout) => void,
    /** Told how many subscribers each message was handed to (telemetry's delivered count). @default none */
    private readonly onDelivered?: (count: number) => void,
  ) {}

  /** Subscribers now. */
  get size(): number {
    return this.subscribers.length;
  }

  next(message: unknown): void {
    const subscribers = this.subscribers;
    if (subscribers.length === 1 && this.onDelivered === undefined) return (subscribers[0] as FanoutSubscriber).next(message);
    let delivered = 0;
    this.walking += 1;
    for (let i = 0; i < subscribers.length; i++) {
      const subscriber = subscribers[i] as FanoutSubscriber;
      if (subscriber.closed) continue;
      delivered += 1;
      subscriber.next(message);
    }
    this.walking -= 1;
    if (delivered > 0) this.onDelivered?.(delivered);
  }

  error(error: unknown): void {
    const subscribers = this.subscribers;
    this.walking += 1;
    for (let i = 0; i < subscribers.length; i++) (subscribers[i] as FanoutSubscriber).error(error);
    this.walking -= 1;
  }

  /**
   * Adds a subscriber; the returned membership removes it. The first goes into an array of exact size
   * (`push` onto an empty array reserves 17 slots, paid by every connection with one subscriber).
   */
  join(subscriber: FanoutSubscriber): Unsubscribable {
    if (this.walking > 0 || this.subscribers.length === 0) this.subscribers = [...this.subscribers, subscriber];
    else this.subscribers.push(subscriber);
    return new FanoutMembership(this, subscriber);
  }

  leave(subscriber: FanoutSubscriber): void {
    const index = this.subscribers.indexOf(subscriber);
    if (index < 0) return;
    if (this.walking > 0) this.subscribers = this.subscribers.toSpliced(index, 1);
    else this.subscribers.splice(index, 1);
    if (this.subscribers.length === 0) this.emptied(this);
  }
}
