import {
  TopicSubscribeResponse,
  type SubscribeCallOptions,
  type TopicClient,
  type TopicDiscontinuity,
  type TopicItem,
  type TopicSubscribe,
} from '@gomomento/sdk';
import { defer, finalize, Observable, tap, type Subscriber } from 'rxjs';
import type { ConnectionState } from '../core/connection-state.js';
import { retryBackoff, type RetryBackoffOptions } from '../core/retry-backoff.js';
import { clientTimeoutOf, FirstStreamDeadline } from './first-stream-deadline.js';
import { fromMomentoError, fromMomentoFailure } from './momento-error.js';
import { SequenceGuard } from './sequence-guard.js';
import { checkTopicPosition, subscribeAt, type TopicPosition } from './subscribe-at.js';
import type { TopicEvent, TopicHeartbeatEvent } from './topic-event.js';
import { connectionReporter } from '../telemetry/connection-reporter.js';
import type { Telemetry } from '../telemetry/telemetry.js';

/**
 * The part of a `TopicClient` that {@link topicEvents} uses (a real `TopicClient`, or a stand-in in tests).
 *
 * @example
 * ```ts
 * const client: TopicSubscriber = new TopicClient({ credentialProvider, configuration });
 * ```
 */
export type TopicSubscriber = Pick<TopicClient, 'subscribe'>;

/**
 * Options of {@link topicEvents} and {@link topicItems}. Every field is optional.
 *
 * @example
 * ```ts
 * topicEvents(client, 'cache', 'topic', { retry: { initialDelay: 200, maxRetries: 10 }, onStateChange: (s) => state$.next(s) });
 * ```
 */
export interface TopicEventsOptions {
  /**
   * How to subscribe again after a retryable error the SDK does not recover from itself: a failed first
   * subscribe (service unavailable, timeout) or a retryable error it hands over mid-stream. `false` lets
   * such errors end the Observable. Terminal errors (authentication, permission, not found) always end it.
   * @default momentoResubscribePolicy
   */
  retry?: RetryBackoffOptions | false;
  /**
   * Hears the connection state: `connecting`, `open` once the service answered, `reconnecting` while the
   * SDK or streamrx resubscribes, `closed` after the end.
   * @default none
   */
  onStateChange?: (state: ConnectionState) => void;
  /**
   * The client timeout of the SDK client (`withClientTimeoutMillis`). The SDK also makes it the deadline of
   * the first stream of every subscription, so that stream ends after this long and the SDK resumes at the
   * next sequence number; that end is not reported as `reconnecting`. Set it only for a `TopicSubscriber`
   * that wraps a `TopicClient`.
   * @default the timeout of `client` when it is a `TopicClient`; none otherwise (every stream end is a reconnect)
   */
  clientTimeoutMs?: number;
  /**
   * Start right after this position (the last item handled before a restart, e.g. read from a
   * `CursorStore`): the service replays what it still holds after it, and a discontinuity tells what it no
   * longer holds (the next item then comes after `newSequenceNumber`). Needs a real `TopicClient` (see
   * {@link subscribeAt}); the SDK resubscribes from there and keeps going from the last item it saw.
   * @default none (start with the newest items)
   */
  resumeAfter?: TopicPosition;
  /**
   * Where the subscription reports messages received, events delivered, connection changes and gaps
   * (discontinuities), e.g. `otelTelemetry()` from `streamrx/telemetry`. @default none
   */
  telemetry?: Telemetry;
}

/**
 * Default policy of {@link TopicEventsOptions.retry}: 0.5 s doubling to 30 s, 20 % jitter, unlimited retries,
 * budget refilled by the first event after a reconnect.
 *
 * @example
 * ```ts
 * topicEvents(client, 'cache', 'topic', { retry: { ...momentoResubscribePolicy, maxRetries: 5 } });
 * ```
 */
export const momentoResubscribePolicy: Readonly<RetryBackoffOptions> = Object.freeze({
  initialDelay: 500,
  multiplier: 2,
  maxDelay: 30_000,
  jitter: 0.2,
  resetOnValue: true,
});

const HEARTBEAT: TopicHeartbeatEvent = Object.freeze({ type: 'heartbeat' });

/**
 * A cold Observable of a Momento topic: items, heartbeats and discontinuities, on top of the real
 * `TopicClient.subscribe`. Each subscriber gets its own SDK subscription; unsubscribing unsubscribes it
 * (also when the SDK has not answered yet). The SDK's own reconnects (it resumes at the next sequence
 * number) never complete or duplicate anything here: sequence numbers only move forward and a replayed
 * item is dropped. The SDK's deadline on the first stream of every subscription (the client timeout) ends
 * that stream once even when healthy; the SDK resumes it and it is not reported as `reconnecting`.
 * Terminal errors end the Observable with the matching streamrx error; retryable errors on the first
 * subscribe go through `retryBackoff`.
 *
 * Limits: each stream connection of a `TopicClient` carries at most 100 subscriptions (the service's
 * HTTP/2 stream limit); the SDK refuses more with `CLIENT_RESOURCE_EXHAUSTED`, which ends the Observable
 * with a terminal `ApiError` naming the fix (`withNumStreamConnections(n)` gives 100·n). The SDK's own
 * subscription count also drops on each of its internal reconnects, so a busy client may briefly exceed
 * that cap. The Momento service itself limits concurrent subscriptions per account (`RateLimitError`).
 *
 * @example
 * ```ts
 * topicEvents(client, 'cache', 'orders').pipe(
 *   filter((e) => e.type !== 'heartbeat'),
 * ).subscribe((e) => (e.type === 'item' ? handle(e.value) : console.warn('lost', e)));
 * ```
 */
export function topicEvents(
  client: TopicSubscriber,
  cacheName: string,
  topicName: string,
  options: TopicEventsOptions = {},
): Observable<TopicEvent> {
  const { retry = momentoResubscribePolicy, onStateChange, telemetry } = options;
  const resumeAfter = options.resumeAfter === undefined ? undefined : checkTopicPosition(options.resumeAfter);
  const clientTimeoutMs = options.clientTimeoutMs ?? clientTimeoutOf(client);
  return defer(() => {
    const guard = new SequenceGuard();
    if (resumeAfter) guard.discontinuity(resumeAfter.sequenceNumber, resumeAfter.sequencePage);
    const target: SessionTarget = { cacheName, topicName, clientTimeoutMs, resumeAfter, telemetry };
    const state = stateReporter(onStateChange, connectionReporter(telemetry, 'momento'));
    state('connecting');
    const session$ = new Observable<TopicEvent>((subscriber) => openSession(client, target, guard, state, subscriber));
    const retried$ =
      retry === false
        ? session$
        : session$.pipe(
            retryBackoff({
              ...retry,
              onRetry: (attempt) => {
                state('reconnecting');
                retry.onRetry?.(attempt);
              },
            }),
          );
    const counted$ = telemetry ? retried$.pipe(tap((event) => countDelivery(telemetry, event))) : retried$;
    return counted$.pipe(finalize(() => state('closed')));
  });
}

type StateReporter = (state: ConnectionState) => void;

function stateReporter(listener: ((state: ConnectionState) => void) | undefined, telemetry: StateReporter | undefined): StateReporter {
  let current: ConnectionState | undefined;
  return (next) => {
    if (next === current) return;
    current = next;
    telemetry?.(next);
    listener?.(next);
  };
}

function countDelivery(telemetry: Telemetry, event: TopicEvent): void {
  telemetry.eventsDelivered('momento', 1);
  if (event.type === 'discontinuity') telemetry.gapReported('momento');
}

interface SessionTarget {
  cacheName: string;
  topicName: string;
  clientTimeoutMs: number | undefined;
  /** Where a new SDK subscription starts: the stored position until the first item or discontinuity arrived. */
  resumeAfter: TopicPosition | undefined;
  telemetry: Telemetry | undefined;
}

/** One SDK subscription, from `subscribe()` to unsubscribe or error. Returns its teardown. */
function openSession(
  client: TopicSubscriber,
  target: SessionTarget,
  guard: SequenceGuard,
  state: StateReporter,
  subscriber: Subscriber<TopicEvent>,
): () => void {
  let done = false;
  const { cacheName, topicName, clientTimeoutMs } = target;
  let subscription: TopicSubscribe.Subscription | undefined;
  let sdkState: { readonly lastTopicSequencePage?: number } | undefined;
  const fail = (error: unknown): void => {
    if (done) return;
    done = true;
    subscriber.error(error);
  };
  const deadline = new FirstStreamDeadline(clientTimeoutMs);
  const alive = (): boolean => {
    if (done) return false;
    deadline.messageArrived();
    state('open');
    return true;
  };
  guard.startSession();
  const callbacks: SubscribeCallOptions = {
    onItem: (item: TopicItem) => {
      if (!alive()) return;
      target.telemetry?.eventsReceived('momento', 1);
      const verdict = guard.item(item.sequenceNumber());
      if (verdict.action === 'drop') return;
      target.resumeAfter = undefined;
      if (verdict.action === 'deliver-after-gap') subscriber.next(verdict.gap);
      subscriber.next({ type: 'item', value: item.value(), sequenceNumber: item.sequenceNumber(), sequencePage: sdkState?.lastTopicSequencePage, publisherId: item.tokenId() });
    },
    onHeartbeat: () => {
      if (!alive()) return;
      target.telemetry?.eventsReceived('momento', 1);
      subscriber.next(HEARTBEAT);
    },
    onDiscontinuity: (gap: TopicDiscontinuity) => {
      if (!alive()) return;
      target.telemetry?.eventsReceived('momento', 1);
      target.resumeAfter = undefined;
      guard.discontinuity(gap.newSequenceNumber(), gap.newSequencePage());
      subscriber.next({
        type: 'discontinuity',
        lastSequenceNumber: gap.lastSequenceNumber(),
        newSequenceNumber: gap.newSequenceNumber(),
        newSequencePage: gap.newSequencePage(),
        origin: 'service',
      });
    },
    // The SDK's deadline on the first stream ends every healthy subscription once; it resumes without loss.
    onConnectionLost: () => {
      if (!done && !deadline.isDeadlineCut('connection-lost')) state('reconnecting');
    },
    // Fires on each of the SDK's internal resubscribes too, so it is not a completion.
    onSubscriptionEnd: () => {
      if (!done && !deadline.isDeadlineCut('subscription-end')) state('reconnecting');
    },
    onError: (error: TopicSubscribe.Error, sdkSubscription: TopicSubscribe.Subscription) => {
      // A still-active subscription means one undecodable item; the stream goes on.
      if (!sdkSubscription.isSubscribed) fail(fromMomentoError(error, 'subscribe'));
    },
  };
  subscribeAt(client, cacheName, topicName, callbacks, target.resumeAfter, (state) => (sdkState = state)).then(
    (response) => {
      if (response.type === TopicSubscribeResponse.Error) return fail(fromMomentoError(response, 'subscribe'));
      if (done) return response.unsubscribe();
      subscription = response;
      state('open');
    },
    (error: unknown) => fail(fromMomentoFailure(error, 'subscribe')),
  );
  return () => {
    done = true;
    subscription?.unsubscribe();
  };
}
