import type { SubscribeCallOptions, TopicSubscribe } from '@gomomento/sdk';
import { InvalidArgumentError } from '../core/errors.js';
import type { TopicSubscriber } from './topic-events.js';

/**
 * Where a topic subscription is: the sequence number of an item and the sequence page it belongs to (a new
 * page means the topic was reset and numbering restarted). Store the position of the last item handled and
 * resume after it.
 *
 * @example
 * ```ts
 * const position: TopicPosition = { sequenceNumber: 41, sequencePage: 0 };
 * topicEvents(client, 'cache', 'orders', { resumeAfter: position });
 * ```
 */
export interface TopicPosition {
  /** The sequence number of the item. */
  readonly sequenceNumber: number;
  /** Its sequence page. */
  readonly sequencePage: number;
}

/** What the SDK's internal subscription state holds (SDK 1.118 `SubscriptionState`). */
interface SdkSubscriptionState {
  lastTopicSequenceNumber?: number;
  lastTopicSequencePage?: number;
}

type SendSubscribe = (options: { firstMessage?: boolean; subscriptionState?: SdkSubscriptionState }) => Promise<unknown>;

/** The SDK's internal pub/sub client: one per stream connection of a `TopicClient`. */
interface SdkPubsubClient {
  sendSubscribe?: SendSubscribe;
}

/** The subscribe call in progress: where to start, and who wants the SDK's subscription state. */
interface PendingSubscribe {
  resumeAfter: TopicPosition | undefined;
  state(state: SdkSubscriptionState): void;
}

let pending: PendingSubscribe | undefined;
const hooked = new WeakSet<object>();

/**
 * The SDK's pub/sub clients of a `TopicClient` (SDK 1.118: `pubsubStreamClients[i].client`), or `undefined`
 * for any other {@link TopicSubscriber}. A test pins this path, so an SDK change shows up as a failing test.
 */
function pubsubClientsOf(client: TopicSubscriber): SdkPubsubClient[] | undefined {
  const streamClients = (client as { pubsubStreamClients?: unknown }).pubsubStreamClients;
  if (!Array.isArray(streamClients) || streamClients.length === 0) return undefined;
  const clients = streamClients.map((entry) => (entry as { client?: SdkPubsubClient } | undefined)?.client);
  return clients.every((c) => typeof c?.sendSubscribe === 'function') ? (clients as SdkPubsubClient[]) : undefined;
}

/**
 * Wraps each pub/sub client's `sendSubscribe` once: for the first message of the subscribe call in progress
 * it presets the subscription state, so the SDK itself writes `resume_at_topic_sequence_number` and
 * `sequence_page` into its `_SubscriptionRequest` (generated types) and keeps them for its own resubscribes.
 */
function hook(client: SdkPubsubClient): void {
  if (hooked.has(client)) return;
  hooked.add(client);
  const original = client.sendSubscribe as SendSubscribe;
  client.sendSubscribe = function (this: unknown, options) {
    const call = pending;
    if (call && options.firstMessage && options.subscriptionState) {
      pending = undefined;
      call.state(options.subscriptionState);
      if (call.resumeAfter) {
        options.subscriptionState.lastTopicSequenceNumber = call.resumeAfter.sequenceNumber;
        options.subscriptionState.lastTopicSequencePage = call.resumeAfter.sequencePage;
      }
    }
    return original.call(this, options);
  };
}

/**
 * Whether `client` is a `TopicClient` whose subscriptions can start at a position (and report sequence pages).
 *
 * @example
 * ```ts
 * canSubscribeAt(new TopicClient({ credentialProvider, configuration })); // true
 * ```
 */
export function canSubscribeAt(client: TopicSubscriber): boolean {
  return pubsubClientsOf(client) !== undefined;
}

/**
 * `client.subscribe` of the real SDK, starting right after `resumeAfter` when given (the SDK's public API
 * always starts with the newest item; the wire protocol can resume). Everything else is the SDK's own path:
 * credentials, endpoints, TLS, keep-alive, the subscription count per connection, error mapping and its
 * resubscribes, which go on from the last item seen. `onState` gets the SDK's subscription state, whose
 * `lastTopicSequencePage` tells each item's page. For another {@link TopicSubscriber} the call is passed on
 * unchanged, and a `resumeAfter` fails with {@link streamrx!InvalidArgumentError}.
 *
 * @example
 * ```ts
 * const response = await subscribeAt(client, 'cache', 'orders', callbacks, { sequenceNumber: 41, sequencePage: 0 });
 * ```
 */
export function subscribeAt(
  client: TopicSubscriber,
  cacheName: string,
  topicName: string,
  callbacks: SubscribeCallOptions,
  resumeAfter?: TopicPosition,
  onState: (state: { readonly lastTopicSequencePage?: number }) => void = () => undefined,
): Promise<TopicSubscribe.Response> {
  const clients = pubsubClientsOf(client);
  if (!clients) {
    if (resumeAfter) return Promise.reject(new InvalidArgumentError('resumeAfter needs a TopicClient of @gomomento/sdk (its internal pub/sub client was not found)'));
    return client.subscribe(cacheName, topicName, callbacks);
  }
  clients.forEach(hook);
  // The SDK calls sendSubscribe synchronously inside subscribe(), so `pending` never leaks to another call.
  pending = { resumeAfter, state: onState };
  try {
    return client.subscribe(cacheName, topicName, callbacks);
  } finally {
    pending = undefined;
  }
}

/**
 * Checks a stored position: non-negative integer sequence number and page.
 *
 * @example
 * ```ts
 * checkTopicPosition({ sequenceNumber: 4, sequencePage: 0 }); // ok
 * ```
 */
export function checkTopicPosition(position: TopicPosition): TopicPosition {
  const ok = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
  if (!position || !ok(position.sequenceNumber) || !ok(position.sequencePage)) {
    throw new InvalidArgumentError(`resumeAfter must be { sequenceNumber, sequencePage } (non-negative integers), got ${JSON.stringify(position)}`);
  }
  return position;
}
