import type { Observable, Subscriber } from 'rxjs';
import { connectionReporter } from '../telemetry/connection-reporter.js';
import type { FrameSkipReason, Telemetry } from '../telemetry/telemetry.js';
import type { RateGovernorOptions } from '../core/rate-governor.js';
import type { SessionSettings } from './session.js';
import { timedCall } from '../telemetry/timed-call.js';
import type { ChannelListener } from './channel-link.js';
import type { GapFill } from './gap-fill.js';
import type { HttpApiOptions, HttpCall } from './http-api.js';
import type { ConnectionState } from '../core/connection-state.js';

/** What a Misskey client reports through its `telemetry` option: one per client, absent without the option. */
export class MisskeyClientTelemetry {
  /** When each channel (by name) was last acknowledged: where its gap-fill begins. */
  private readonly acknowledgedAt = new Map<string, { startTime: number; started: number }>();
  readonly reportState: (state: ConnectionState) => void;

  constructor(private readonly telemetry: Telemetry) {
    this.reportState = connectionReporter(telemetry, 'misskey') ?? (() => undefined);
  }

  /** Every HTTP call timed and reported by endpoint. */
  timedHttp(http: HttpCall): HttpCall {
    return (endpoint, params, onSent) => timedCall(this.telemetry, { source: 'misskey', operation: endpoint, kind: 'call' }, http(endpoint, params, onSent));
  }

  /** An upload (retries included) timed as a whole. */
  timedUpload<T>(upload: Observable<T>): Observable<T> {
    return timedCall(this.telemetry, { source: 'misskey', operation: 'drive/files/create', kind: 'upload' }, upload);
  }

  /** One gap-fill, timed from its channel's latest acknowledgement. */
  gapFilled(fill: GapFill): void {
    const since = this.acknowledgedAt.get(fill.channel);
    const now = performance.now();
    this.telemetry.gapFilled({
      source: 'misskey',
      channel: fill.channel,
      recovered: fill.replayed ?? fill.fetched,
      complete: fill.complete,
      startTime: since?.startTime ?? Date.now(),
      durationMs: since === undefined ? 0 : now - since.started,
    });
  }

  /** `subscriber` counting each message it is given as delivered (a plain object: no operator layer per message). */
  countingDownstream(subscriber: Subscriber<unknown>): ChannelListener {
    const { telemetry } = this;
    return {
      next: (message: unknown) => {
        telemetry.eventsDelivered('misskey', 1);
        subscriber.next(message);
      },
      error: (error: unknown) => subscriber.error(error),
    };
  }

  /** Counts messages a shared connection's fan-out handed to its subscribers as delivered. */
  readonly countDelivered = (count: number): void => this.telemetry.eventsDelivered('misskey', count);

  /**
   * The session's hooks: each channel message received (once per connection, however many subscribers share
   * it), each re-acknowledgement after a reconnect as a gap (its time is where the gap-fill's duration
   * starts), and skipped frames and dropped outbound messages for the optional reports implemented.
   */
  sessionHooks(): Pick<SessionSettings, 'onChannelMessage' | 'onChannelAcknowledged' | 'onFrameSkipped' | 'onOutboundDropped'> {
    const { telemetry, acknowledgedAt } = this;
    return {
      onChannelMessage: () => telemetry.eventsReceived('misskey', 1),
      onChannelAcknowledged: (channel, reconnected) => {
        acknowledgedAt.set(channel, { startTime: Date.now(), started: performance.now() });
        if (reconnected) telemetry.gapReported('misskey');
      },
      ...(telemetry.frameSkipped ? { onFrameSkipped: (reason: FrameSkipReason) => telemetry.frameSkipped?.('misskey', reason) } : {}),
      ...(telemetry.outboundDropped ? { onOutboundDropped: () => telemetry.outboundDropped?.('misskey') } : {}),
    };
  }

  /** The governor's hooks: each wait a call sat out, and the queue depth when reported. */
  governorHooks(): Pick<RateGovernorOptions, 'onWaited' | 'onQueueChanged'> {
    const { telemetry } = this;
    return {
      onWaited: (endpoint, waitedMs) => telemetry.rateLimitWaited('misskey', endpoint, waitedMs),
      ...(telemetry.rateLimitQueueChanged ? { onQueueChanged: (change) => telemetry.rateLimitQueueChanged?.('misskey', change) } : {}),
    };
  }

  /** The HTTP API's retry hook, when reported. */
  httpHooks(): Pick<HttpApiOptions, 'onRetried'> {
    const { telemetry } = this;
    return telemetry.callRetried ? { onRetried: (endpoint, rateLimited) => telemetry.callRetried?.('misskey', endpoint, rateLimited ? 'rate_limited' : 'error') } : {};
  }
}
