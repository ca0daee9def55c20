import { TopicDiscontinuity, TopicItem, TopicSubscribe, TopicSubscribeResponse, type SubscribeCallOptions } from '@gomomento/sdk';
import { describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/core/connection-state.js';
import { ApiError, AuthenticationError } from '../../src/core/errors.js';
import { topicEvents, type TopicSubscriber } from '../../src/momento/index.js';

/** A scripted stand-in for the SDK: the test drives the callbacks the real SDK would call. */
class FakeSdk implements TopicSubscriber {
  callbacks: SubscribeCallOptions[] = [];
  unsubscribes = 0;
  subscribed = true;
  resolve: (response: TopicSubscribe.Response) => void = () => {};
  reject: (error: unknown) => void = () => {};

  subscribe(_cache: string, _topic: string, callbacks: SubscribeCallOptions): Promise<TopicSubscribe.Response> {
    this.callbacks.push(callbacks);
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  get on(): Required<SubscribeCallOptions> {
    return this.callbacks[this.callbacks.length - 1] as Required<SubscribeCallOptions>;
  }

  subscription(): TopicSubscribe.Subscription {
    const fake = {
      type: TopicSubscribeResponse.Subscription,
      unsubscribe: () => {
        this.unsubscribes += 1;
        this.subscribed = false;
      },
      get isSubscribed() {
        return fakeSdk.subscribed;
      },
    };
    const fakeSdk = this;
    return fake as unknown as TopicSubscribe.Subscription;
  }

  item(sequenceNumber: number, value: string | Uint8Array = `v${sequenceNumber}`): void {
    this.on.onItem(new TopicItem(value, sequenceNumber, { tokenId: 'p' }));
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('topicEvents over the SDK callback quirks (scripted SDK)', () => {
  it('does not complete on onSubscriptionEnd / onConnectionLost, drops replays, reports state', async () => {
    const sdk = new FakeSdk();
    const states: ConnectionState[] = [];
    const seen: unknown[] = [];
    let completed = false;
    const sub = topicEvents(sdk, 'c', 't', { onStateChange: (s) => states.push(s) }).subscribe({
      next: (e) => seen.push(e.type === 'item' ? e.sequenceNumber : e.type),
      complete: () => (completed = true),
    });
    sdk.on.onHeartbeat({} as never);
    sdk.resolve(sdk.subscription());
    await flush();
    sdk.item(1);
    sdk.item(2);
    sdk.on.onConnectionLost();
    sdk.on.onSubscriptionEnd();
    sdk.on.onHeartbeat({} as never);
    sdk.item(2);
    sdk.item(1);
    sdk.item(3);
    sdk.on.onDiscontinuity(new TopicDiscontinuity(3, 8, 2));
    sdk.item(8);
    sdk.item(9);
    expect(seen).toEqual(['heartbeat', 1, 2, 'heartbeat', 3, 'discontinuity', 9]);
    expect(completed).toBe(false);
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
    sub.unsubscribe();
    expect(sdk.unsubscribes).toBe(1);
    expect(states.at(-1)).toBe('closed');
  });

  it('unsubscribes the SDK subscription that resolves after the Observable was unsubscribed', async () => {
    const sdk = new FakeSdk();
    const seen: unknown[] = [];
    const sub = topicEvents(sdk, 'c', 't').subscribe((e) => seen.push(e));
    sdk.on.onHeartbeat({} as never);
    sub.unsubscribe();
    sdk.item(1);
    sdk.resolve(sdk.subscription());
    await flush();
    expect(sdk.unsubscribes).toBe(1);
    expect(seen).toEqual([{ type: 'heartbeat' }]);
  });

  it('keeps going after an undecodable item (onError while still subscribed) and ends on a terminal onError', async () => {
    const sdk = new FakeSdk();
    let error: unknown;
    const seen: number[] = [];
    topicEvents(sdk, 'c', 't', { retry: false }).subscribe({
      next: (e) => e.type === 'item' && seen.push(e.sequenceNumber),
      error: (e: unknown) => (error = e),
    });
    const subscription = sdk.subscription();
    sdk.resolve(subscription);
    await flush();
    const unknownItem = new TopicSubscribe.Error(Object.assign(new Error('Unknown item value type'), { errorCode: () => 'UNKNOWN_ERROR' }) as never);
    sdk.on.onError(unknownItem, subscription);
    sdk.item(1);
    expect(error).toBeUndefined();
    sdk.subscribed = false;
    const denied = { errorCode: () => 'AUTHENTICATION_ERROR', message: () => 'denied', type: TopicSubscribeResponse.Error };
    sdk.on.onError(denied as unknown as TopicSubscribe.Error, subscription);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(seen).toEqual([1]);
  });

  it('turns a rejected subscribe (withThrowOnErrors) into a typed error', async () => {
    const sdk = new FakeSdk();
    let error: unknown;
    topicEvents(sdk, 'c', 't', { retry: false }).subscribe({ error: (e: unknown) => (error = e) });
    sdk.reject(Object.assign(new Error('cache missing'), { errorCode: () => 'NOT_FOUND_ERROR' }));
    await flush();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ retryable: false });
  });
});
