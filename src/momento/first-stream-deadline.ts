import type { TopicSubscriber } from './topic-events.js';

/**
 * How much earlier than `start + client timeout` a deadline cut may be seen: timers fire up to a millisecond
 * early and the SDK reads the clock a moment after {@link FirstStreamDeadline} does.
 */
const TIMER_SLACK_MS = 50;

/** Which SDK callback reports the end of a stream. */
export type StreamEndCallback = 'connection-lost' | 'subscription-end';

/**
 * The client timeout (`withClientTimeoutMillis`) of a real `TopicClient`, or `undefined` for any other
 * {@link TopicSubscriber}.
 *
 * @example
 * ```ts
 * clientTimeoutOf(new TopicClient({ credentialProvider, configuration: config.withClientTimeoutMillis(300) })); // 300
 * ```
 */
export function clientTimeoutOf(client: TopicSubscriber): number | undefined {
  // TopicClient keeps its configuration private; each of its stream clients holds the resolved timeout
  // (SDK 1.118). A test pins this path, so an SDK change shows up as a failing test, not as silence.
  const streamClients = (client as { pubsubStreamClients?: unknown }).pubsubStreamClients;
  if (!Array.isArray(streamClients)) return undefined;
  const timeout = (streamClients[0] as { client?: { requestTimeoutMs?: unknown } } | undefined)?.client?.requestTimeoutMs;
  return typeof timeout === 'number' && timeout > 0 ? timeout : undefined;
}

/**
 * Recognises the one stream end of an SDK subscription that is not a failure. `TopicClient.subscribe` gives
 * the first gRPC stream of every subscription the client timeout as its deadline (meant for the first
 * message, but it stays on the whole stream), so a healthy subscription's first stream ends with
 * DEADLINE_EXCEEDED at that time; the SDK calls `onConnectionLost` and `onSubscriptionEnd` and resumes at
 * the next sequence number, without a deadline this time. The callbacks carry no error, so the cut is told
 * apart by when it happens: the first stream, already answered, ending no earlier than its deadline (a stream
 * alive past its deadline can only end by that deadline). Every other end is a real loss.
 *
 * One instance per SDK subscription, created just before `subscribe()` is called.
 *
 * @example
 * ```ts
 * const deadline = new FirstStreamDeadline(clientTimeoutOf(client));
 * client.subscribe(cache, topic, {
 *   onHeartbeat: () => deadline.messageArrived(),
 *   onConnectionLost: () => deadline.isDeadlineCut('connection-lost') || report('reconnecting'),
 *   onSubscriptionEnd: () => deadline.isDeadlineCut('subscription-end') || report('reconnecting'),
 * });
 * ```
 */
export class FirstStreamDeadline {
  private readonly startedAt: number;
  private phase: 'first-stream' | 'cut' | 'later' = 'first-stream';
  private answered = false;

  /**
   * @param deadlineMs - the client timeout; `undefined` recognises nothing (every end is a loss).
   * @param now - the clock, the one the SDK sets its deadline with. @default Date.now
   */
  constructor(
    private readonly deadlineMs: number | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** An item, heartbeat or discontinuity arrived: the stream answered (or the stream after the cut did). */
  messageArrived(): void {
    this.answered = true;
    if (this.phase === 'cut') this.phase = 'later';
  }

  /**
   * Whether this stream-end callback belongs to the first-stream deadline cut. Both callbacks of the cut
   * (`onConnectionLost` may be skipped by the SDK, `onSubscriptionEnd` comes last) answer `true`.
   */
  isDeadlineCut(callback: StreamEndCallback): boolean {
    if (this.phase === 'first-stream') this.phase = this.endedAtDeadline() ? 'cut' : 'later';
    const cut = this.phase === 'cut';
    if (cut && callback === 'subscription-end') this.phase = 'later';
    return cut;
  }

  private endedAtDeadline(): boolean {
    if (this.deadlineMs === undefined || !this.answered) return false;
    return this.now() - this.startedAt >= this.deadlineMs - TIMER_SLACK_MS;
  }
}
