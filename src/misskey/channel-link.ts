import type { Subscription } from 'rxjs';
import type { ChannelFanout } from './channel-fanout.js';

/** Who hears a channel connection: a subscriber, or a gap-filler in front of one. */
export interface ChannelListener {
  next(message: unknown): void;
  error(error: unknown): void;
  /** Called when the server acknowledged the `connect`; `reconnected` on every ack after the first. */
  acknowledged?(reconnected: boolean): void;
}

/**
 * Channels with `shouldShare` on the server: one connection per name and socket, whatever the params, and
 * shared by every subscriber (even those with `send$` or `resumeFrom`, which other channels connect alone).
 * @example
 * ```ts
 * sharedChannelNames.has('main'); // true: every subscriber of main shares one connection
 * ```
 */
export const sharedChannelNames: ReadonlySet<string> = new Set(['main', 'drive', 'serverStats', 'queueStats', 'admin', 'reversi']);

/**
 * One channel connection on the shared socket: its name and params, the id it currently has (a new one
 * after each reconnect), whether the server acknowledged it, its listeners, and `ch` messages held until
 * the acknowledgement. A connection shared by subscriptions has a `key` (name and canonical params) and a
 * `fanout` of its subscribers, heard through one listener.
 * @example
 * ```ts
 * const link = new ChannelLink('localTimeline', { withReplies: true });
 * link.addListener(subscriber);
 * session.attachChannel(link);
 * ```
 */
export class ChannelLink {
  id = '';
  acked = false;
  everAcked = false;
  attached = false;
  ackTimer: Subscription | undefined;
  /** Who hears this connection; replaced, never grown in place (see {@link ChannelLink.addListener}). */
  listeners: ChannelListener[] = [];
  readonly held: Array<{ type: string; body: unknown }> = [];
  /** The subscribers sharing this connection, when it is shared. */
  fanout: ChannelFanout | undefined;

  constructor(
    readonly name: string,
    readonly params: unknown,
    /** The key it is shared under in its session; absent for a connection of one subscription. */
    readonly key?: string,
  ) {}

  /** Fans a channel message out to every listener (one for non-shared channels). */
  deliver(message: unknown): void {
    const listeners = this.listeners;
    if (listeners.length === 1) (listeners[0] as ChannelListener).next(message);
    else for (const listener of listeners.slice()) listener.next(message);
  }

  acknowledge(): void {
    const reconnected = this.everAcked;
    this.acked = true;
    this.everAcked = true;
    this.ackTimer?.unsubscribe();
    this.ackTimer = undefined;
    for (const listener of this.listeners.slice()) listener.acknowledged?.(reconnected);
  }

  fail(error: unknown): void {
    for (const listener of this.listeners.slice()) listener.error(error);
  }

  /**
   * Adds a listener; one joining a shared connection already acknowledged is told so at once, as its first
   * acknowledgement. The array is copied at its exact size: `push` onto an empty array reserves 17 slots
   * (about 140 bytes), paid by every channel subscription, which almost always has one listener.
   */
  addListener(listener: ChannelListener): void {
    this.listeners = [...this.listeners, listener];
    if (this.acked) listener.acknowledged?.(false);
  }

  removeListener(listener: ChannelListener): void {
    const index = this.listeners.indexOf(listener);
    if (index >= 0) this.listeners.splice(index, 1);
  }
}
