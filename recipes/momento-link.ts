import type { TopicClient } from '@gomomento/sdk';
import { Subject, tap, type Observable, type OperatorFunction } from 'rxjs';
import type { ConnectionState, RetryBackoffOptions, Telemetry } from '../src/index.js';
import { momentoResubscribePolicy, publishTo, topicEvents, type TopicEvent, type TopicPublished } from '../src/momento/index.js';
import { Meter } from './meter.js';
import type { SourceLink } from './source-link.js';

/** Options of {@link momentoLink}. */
export interface MomentoLinkOptions {
  /** Resubscribe policy of topic subscriptions. @default momentoResubscribePolicy */
  resubscribe?: RetryBackoffOptions;
  /** Retry policy of publishes (a retried publish may arrive twice: consumers de-duplicate). @default { initialDelay: 200, maxDelay: 2000, maxRetries: 5 } */
  publishRetry?: RetryBackoffOptions;
  /** `true` for the real service. @default false */
  real?: boolean;
  /** Where the subscriptions and publishes report. @default nothing reported */
  telemetry?: Telemetry;
}

/** A Momento topic client as the recipes use it, for one cache. */
export interface MomentoLink extends SourceLink {
  readonly source: 'momento';
  /** The cache the topics live in. */
  readonly cacheName: string;
  /** {@link topicEvents} of a topic; items count `in`, discontinuities count as gaps, resubscribes as reconnects. */
  events(topic: string): Observable<TopicEvent>;
  /** {@link publishTo} a topic with the link's retry policy; each accepted publish counts `out`. */
  publish<V extends string | Uint8Array>(topic: string): OperatorFunction<V, TopicPublished<V>>;
  /** The SDK client underneath. */
  readonly client: TopicClient;
}

/**
 * Wraps a Momento `TopicClient` with counters and the retry policies of the recipes.
 *
 * @example
 * ```ts
 * const link = momentoLink(topicClientFromEnv(), 'streamrx', { real: true });
 * of('hello').pipe(link.publish('feed')).subscribe();
 * ```
 */
export function momentoLink(client: TopicClient, cacheName: string, options: MomentoLinkOptions = {}): MomentoLink {
  const meter = new Meter();
  const reconnects = new Subject<void>();
  const gaps = new Subject<void>();
  const resubscribe = options.resubscribe ?? momentoResubscribePolicy;
  const publishRetry = options.publishRetry ?? { initialDelay: 200, maxDelay: 2000, maxRetries: 5 };
  const telemetry = options.telemetry ? { telemetry: options.telemetry } : {};
  const onStateChange = (state: ConnectionState): void => {
    if (state !== 'reconnecting') return;
    meter.add('reconnects');
    reconnects.next();
  };
  return {
    source: 'momento',
    real: options.real ?? false,
    meter,
    cacheName,
    reconnects$: reconnects.asObservable(),
    gaps$: gaps.asObservable(),
    events: (topic) =>
      topicEvents(client, cacheName, topic, { retry: resubscribe, onStateChange, ...telemetry }).pipe(
        tap({
          next: (event) => {
            if (event.type === 'item') meter.add('in');
            else if (event.type === 'discontinuity') {
              meter.add('gaps');
              gaps.next();
            }
          },
          error: () => meter.add('errors'),
        }),
      ),
    publish: <V extends string | Uint8Array>(topic: string) => (source: Observable<V>) =>
      source.pipe(
        publishTo<V>(client, cacheName, topic, { retry: publishRetry, ...telemetry }),
        tap({ next: () => meter.add('out'), error: () => meter.add('errors') }),
      ),
    client,
    close: () => undefined,
  };
}
