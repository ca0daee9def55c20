import type { ConnectionState } from '../core/connection-state.js';

/**
 * The service a report comes from.
 *
 * @example
 * ```ts
 * const source: TelemetrySource = 'misskey';
 * ```
 */
export type TelemetrySource = 'mixi2' | 'misskey' | 'momento';

/**
 * How an API call, upload or publish ended: `'ok'`; `'rate_limited'` (a `RateLimitError`); `'timeout'`
 * (a `RequestTimeoutError`); `'error'` (any other error); `'cancelled'` (unsubscribed before its answer).
 *
 * @example
 * ```ts
 * const outcome: CallOutcome = 'rate_limited';
 * ```
 */
export type CallOutcome = 'ok' | 'error' | 'rate_limited' | 'timeout' | 'cancelled';

/**
 * Why a call is tried again: `'rate_limited'` (a 429 or `RESOURCE_EXHAUSTED`, retried after its hold) or
 * `'error'` (a retryable failure: a 5xx, a network error).
 *
 * @example
 * ```ts
 * const reason: RetryReason = 'rate_limited';
 * ```
 */
export type RetryReason = 'rate_limited' | 'error';

/**
 * Why a Misskey frame was skipped: `'malformed'` (not a JSON object with a string `type`, or a body that
 * cannot be routed) or `'unknown'` (a `type` the client does not handle).
 *
 * @example
 * ```ts
 * const reason: FrameSkipReason = 'unknown';
 * ```
 */
export type FrameSkipReason = 'malformed' | 'unknown';

/**
 * One finished API call, upload or publish, as the caller saw it: from subscription to its answer, the
 * client's rate-limit waits and retries included.
 *
 * @example
 * ```ts
 * const call: CallReport = { source: 'misskey', operation: 'notes/create', kind: 'call', outcome: 'ok', startTime: Date.now() - 40, durationMs: 40 };
 * ```
 */
export interface CallReport {
  /** The service called. */
  readonly source: TelemetrySource;
  /** The RPC (`'CreatePost'`), endpoint (`'notes/create'`) or operation (`'publish'`); never a URL. */
  readonly operation: string;
  /** `'call'` for an API call or publish, `'upload'` for a media transfer as a whole. */
  readonly kind: 'call' | 'upload';
  /** How it ended. */
  readonly outcome: CallOutcome;
  /** When it began (epoch ms). */
  readonly startTime: number;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
  /** The class name of the error it ended with (`'RateLimitError'`), never its message. @default absent when it succeeded */
  readonly errorType?: string;
  /** The Momento topic of a publish. @default absent */
  readonly destination?: string;
  /** What {@link Telemetry.callStarted} returned when the call was subscribed. @default absent without `callStarted` */
  readonly startContext?: unknown;
}

/**
 * One gap-fill (Misskey, after a reconnect or a `resumeFrom`).
 *
 * @example
 * ```ts
 * const fill: GapFillReport = { source: 'misskey', channel: 'homeTimeline', recovered: 12, complete: true, startTime: Date.now() - 80, durationMs: 80 };
 * ```
 */
export interface GapFillReport {
  /** The service. */
  readonly source: TelemetrySource;
  /** The channel filled. */
  readonly channel: string;
  /** Notes (or notifications) recovered: those delivered by a resume, those fetched after a reconnect. */
  readonly recovered: number;
  /** `false` when notes may still be missing. */
  readonly complete: boolean;
  /** When the fill began (epoch ms). */
  readonly startTime: number;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
}

/**
 * How the webhook answered a delivery: `'accepted'` (204, at least one new event or only pings),
 * `'duplicate'` (204, every event already handled), `'bad_signature'` (401), `'stale'` (401, timestamp out
 * of tolerance), `'too_large'` (413), `'bad_request'` (400 undecodable, 405 not POST), `'unavailable'`
 * (503: nobody subscribed, or the duplicate window could not be stored).
 *
 * @example
 * ```ts
 * const outcome: WebhookOutcome = 'stale';
 * ```
 */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'bad_signature' | 'stale' | 'too_large' | 'bad_request' | 'unavailable';

/**
 * One webhook delivery, once answered.
 *
 * @example
 * ```ts
 * const delivery: WebhookDeliveryReport = { outcome: 'accepted', status: 204, events: 1, startTime: Date.now() - 3, durationMs: 3 };
 * ```
 */
export interface WebhookDeliveryReport {
  /** How it was answered. */
  readonly outcome: WebhookOutcome;
  /** The HTTP status answered. */
  readonly status: number;
  /** Events in the delivery (pings included); 0 when it was not verified. */
  readonly events: number;
  /** When the request arrived (epoch ms). */
  readonly startTime: number;
  /** Until the answer, in milliseconds. */
  readonly durationMs: number;
}

/**
 * The one seam every client reports through: pass an implementation as the `telemetry` option of
 * `mixi2Client`, `misskey`, `mixi2Webhook`, `topicEvents` or `publishTo`. `otelTelemetry()` from
 * `streamrx/telemetry` turns the reports into OpenTelemetry metrics and spans; a status line can implement
 * it directly. Without the option nothing is reported and nothing is allocated per event. Methods are
 * called synchronously on the hot path: keep them cheap and never throw. The optional methods (queue
 * depth, retries, skipped frames, dropped messages) are called only when implemented.
 *
 * @example
 * ```ts
 * let received = 0;
 * const counting: Telemetry = {
 *   eventsReceived: (_source, n) => (received += n),
 *   eventsDelivered: () => undefined,
 *   connectionChanged: () => undefined,
 *   gapReported: () => undefined,
 *   gapFilled: () => undefined,
 *   callFinished: () => undefined,
 *   rateLimitWaited: () => undefined,
 *   webhookDelivery: () => undefined,
 * };
 * ```
 */
export interface Telemetry {
  /** `count` messages came off the wire (pings, heartbeats and duplicates included). */
  eventsReceived(source: TelemetrySource, count: number): void;
  /** `count` events were emitted to the subscriber. */
  eventsDelivered(source: TelemetrySource, count: number): void;
  /** A connection moved from one state to the next (`'reconnecting'` is a reconnect). */
  connectionChanged(source: TelemetrySource, from: ConnectionState, to: ConnectionState): void;
  /** A gap was reported: a lost mixi2 stream, a Momento discontinuity, a Misskey reconnect of a timeline channel. */
  gapReported(source: TelemetrySource): void;
  /** A gap-fill ended. */
  gapFilled(report: GapFillReport): void;
  /** An API call, upload or publish ended. */
  callFinished(report: CallReport): void;
  /** A call of `operation` started after waiting `waitedMs` for the client's rate governor. */
  rateLimitWaited(source: TelemetrySource, operation: string, waitedMs: number): void;
  /** The mixi2 webhook answered a delivery. */
  webhookDelivery(report: WebhookDeliveryReport): void;
  /** Calls waiting for the client's rate governor went up (`change` 1) or down (`change` -1). */
  rateLimitQueueChanged?(source: TelemetrySource, change: number): void;
  /** A failed attempt of a Misskey endpoint or mixi2 RPC `operation` is tried again, for `reason`. */
  callRetried?(source: TelemetrySource, operation: string, reason: RetryReason): void;
  /** A frame off the Misskey socket was skipped, for `reason`. */
  frameSkipped?(source: TelemetrySource, reason: FrameSkipReason): void;
  /** An outbound Misskey message held while disconnected was dropped: its queue was full. */
  outboundDropped?(source: TelemetrySource): void;
  /**
   * An API call, upload or publish of `operation` is subscribed: the value returned (e.g. the tracing
   * context active now, so that the call's span becomes a child of the span handling the event that caused
   * it) comes back as its {@link CallReport.startContext}.
   */
  callStarted?(source: TelemetrySource, operation: string): unknown;
}
