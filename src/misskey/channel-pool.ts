import type { Subscriber, Unsubscribable } from 'rxjs';
import { ChannelFanout } from './channel-fanout.js';
import { channelKey } from './channel-key.js';
import { sharedChannelNames, type ChannelLink, type ChannelListener } from './channel-link.js';
import type { MisskeySession } from './session.js';

/**
 * What a shared connection's listener is, given its fan-out: the fan-out itself, or a gap-filler in front of it.
 * @example
 * ```ts
 * const plain: HeadListener = (_name, _params, fanout) => fanout;
 * ```
 */
export type HeadListener = (name: string, params: unknown, fanout: ChannelFanout) => ChannelListener & { dispose?(): void };

/**
 * The channel connections shared by subscriptions with the same name and params (see {@link channelKey};
 * `shouldShare` channels by name alone): the first subscriber connects one, later ones join its fan-out,
 * the last one leaving disconnects it.
 * @example
 * ```ts
 * const pool = new ChannelPool(session, (name, params, fanout) => fanout);
 * subscriber.add(pool.join('localTimeline', undefined, subscriber));
 * ```
 */
export class ChannelPool {
  constructor(
    private readonly session: MisskeySession,
    private readonly headFor: HeadListener,
    /** Told how many subscribers each message was handed to. @default none */
    private readonly onDelivered?: (count: number) => void,
  ) {}

  /** Adds `subscriber` to the connection of `name` and `params`, connecting it if it is the first; the result removes it. */
  join(name: string, params: unknown, subscriber: Subscriber<unknown>): Unsubscribable {
    const link = this.linkOf(name, params);
    const membership = (link.fanout ?? this.openFanout(link, params)).join(subscriber);
    this.session.attachChannel(link);
    return membership;
  }

  /** The connection shared under the name and params; a `shouldShare` channel's under its name, connected without params. */
  linkOf(name: string, params: unknown): ChannelLink {
    if (sharedChannelNames.has(name)) return this.session.sharedLink(name, name, undefined);
    return this.session.sharedLink(channelKey(name, params), name, params ?? undefined);
  }

  private openFanout(link: ChannelLink, params: unknown): ChannelFanout {
    const fanout = new ChannelFanout(link, this.closeFanout, this.onDelivered);
    fanout.head = this.headFor(link.name, params, fanout);
    link.fanout = fanout;
    link.addListener(fanout.head);
    return fanout;
  }

  /** The last subscriber left: the fan-out's listener leaves the connection, which is disconnected if nobody else listens. */
  private readonly closeFanout = (fanout: ChannelFanout): void => {
    const { link } = fanout;
    fanout.head.dispose?.();
    link.removeListener(fanout.head);
    if (link.fanout === fanout) link.fanout = undefined;
    if (link.listeners.length === 0) this.session.detachChannel(link);
  };
}
