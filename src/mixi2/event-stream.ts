import { status as Status } from '@grpc/grpc-js';
import { catchError, defer, finalize, from, Observable, switchMap, throwError, type SchedulerLike } from 'rxjs';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError, PermissionError, RateLimitError } from '../core/errors.js';
import type { ConnectionState } from '../core/connection-state.js';
import { mixi2ReconnectPolicy, retryBackoff, type RetryBackoffOptions } from '../core/retry-backoff.js';
import { watchdog } from '../core/watchdog.js';
import type { Mixi2Auth } from './auth.js';
import type { Mixi2Gap } from './gap.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { isPing } from './event-narrowing.js';
import { grpcErrorToStreamRx, isGrpcStatusError } from './grpc-errors.js';
import { streamCall, type OpenEventStream } from './stream-call.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/**
 * Options of `client.events()`.
 *
 * @example
 * ```ts
 * client.events({ idleTimeout: 90_000, reconnect: { maxRetries: 10, jitter: 0.2 } });
 * ```
 */
export interface Mixi2EventsOptions {
  /**
   * Silence (no event, no Ping) after which the stream is presumed dead and replaced, in milliseconds.
   * mixi2 pings every 20 s when idle. `Infinity` disables the watchdog.
   * @default 60000
   */
  idleTimeout?: number;
  /**
   * Reconnect policy, merged over the official rule (1 s, 2 s, 4 s, at most 3 retries, budget refilled once
   * a reconnected stream delivers). Authentication and permission failures are never retried.
   * @default mixi2ReconnectPolicy
   */
  reconnect?: RetryBackoffOptions;
  /** Scheduler of the watchdog and the reconnect delays. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/** What the event stream needs from its client. */
export interface EventStreamContext {
  auth: Mixi2Auth;
  authKey: string | undefined;
  open: OpenEventStream;
  setState(state: ConnectionState): void;
  reportGap(gap: Mixi2Gap): void;
  /** Told about every message received (pings included) and every event delivered. */
  telemetry?: Telemetry;
}

/**
 * The reconnecting, ping-filtering, watchdog-guarded mixi2 event stream. Cold: every subscription runs its
 * own `SubscribeEvents` call.
 */
export function eventStream(context: EventStreamContext, options: Mixi2EventsOptions = {}): Observable<Event> {
  const { idleTimeout = 60_000, scheduler } = options;
  if (!(idleTimeout > 0)) return throwError(() => new InvalidArgumentError(`idleTimeout must be a positive number of milliseconds, not ${idleTimeout}`));
  return defer(() => {
    let open = false;
    let lastEventId: string | undefined;
    let refreshedUnproven = false;
    const observer = {
      opened: () => {
        open = true;
        context.setState('open');
      },
    };
    const lost = (error: unknown, attempt: number): void => {
      if (!open) return;
      open = false;
      const reason = error instanceof Error ? error.message : String(error);
      context.reportGap({ at: Date.now(), attempt, reason, error, ...(lastEventId === undefined ? {} : { lastEventId }) });
    };
    const connect = (refresh: boolean): Observable<Event> =>
      from(context.auth.token({ refresh })).pipe(
        switchMap((token) => streamCall(context.open, token, context.authKey, observer)),
        catchError((error: unknown) => {
          if (!isGrpcStatusError(error) || error.code !== Status.UNAUTHENTICATED) return throwError(() => classify(error));
          if (refreshedUnproven) {
            return throwError(() => new AuthenticationError('SubscribeEvents rejected a freshly issued token (UNAUTHENTICATED)', { cause: error }));
          }
          refreshedUnproven = true;
          lost(error, 0);
          context.setState('reconnecting');
          return connect(true);
        }),
      );
    const policy = { ...mixi2ReconnectPolicy, ...options.reconnect };
    // Pings stay in the stream up to the retry operator: they feed the watchdog and refill the retry
    // budget (a reconnected stream that pings is healthy), and are dropped after it.
    const guarded = idleTimeout === Infinity ? connect(false) : connect(false).pipe(watchdog(idleTimeout, scheduler ? { scheduler } : {}));
    context.setState('connecting');
    return guarded.pipe(
      retryBackoff<Event>({
        ...policy,
        ...(scheduler ? { scheduler } : {}),
        onRetry: (attempt) => {
          lost(attempt.error, attempt.attempt);
          context.setState('reconnecting');
          policy.onRetry?.(attempt);
        },
      }),
      withoutPings((event) => {
        refreshedUnproven = false;
        if (context.telemetry !== undefined) countDelivery(context.telemetry, event);
        if (event !== undefined) lastEventId = event.eventId;
      }),
      finalize(() => context.setState('closed')),
    );
  });
}

function countDelivery(telemetry: Telemetry, event: Event | undefined): void {
  telemetry.eventsReceived('mixi2', 1);
  if (event !== undefined) telemetry.eventsDelivered('mixi2', 1);
}

function classify(error: unknown): Error {
  if (!isGrpcStatusError(error)) return error instanceof Error ? error : new ConnectionLostError('event stream failed', { cause: error });
  const mapped = grpcErrorToStreamRx(error, 'SubscribeEvents');
  if (mapped instanceof PermissionError || mapped instanceof RateLimitError || mapped instanceof ConnectionLostError) return mapped;
  // Like every official SDK, any other status on the stream is worth a reconnect attempt.
  return new ConnectionLostError(mapped.message, { cause: error });
}

/** Drops pings and tells `onLife` about every delivery (`undefined` for a ping); one layer on the hot path. */
function withoutPings(onLife: (event: Event | undefined) => void): (source: Observable<Event>) => Observable<Event> {
  return (source) =>
    new Observable<Event>((subscriber) =>
      source.subscribe({
        next: (event) => {
          if (isPing(event)) return onLife(undefined);
          onLife(event);
          subscriber.next(event);
        },
        error: (e) => subscriber.error(e),
        complete: () => subscriber.complete(),
      }),
    );
}
