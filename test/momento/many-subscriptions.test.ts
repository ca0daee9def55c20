import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { topicItems } from '../../src/momento/index.js';
import { MomentoTestBed, type Recording } from './harness.js';
import type { TopicItemEvent } from '../../src/momento/index.js';

const CACHE = 'cache';

describe('many concurrent subscriptions on one TopicClient', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('carries 150 subscriptions over 2 stream connections (100 per connection) and delivers to each once', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator, { streamConnections: 2 });
    const recordings: Recording<TopicItemEvent>[] = [];
    for (let i = 0; i < 150; i++) recordings.push(bed.record(topicItems(client, CACHE, 'fanout')));
    await emulator.waitFor(() => emulator.stats().openStreams === 150, '150 open streams');
    emulator.publish(CACHE, 'fanout', 'to-all');
    emulator.publish(CACHE, 'fanout', 'again');
    const received = await Promise.all(recordings.map((r) => r.next(2)));
    for (const items of received) expect(items.map((i) => i.sequenceNumber)).toEqual([1, 2]);
    expect(recordings.every((r) => r.values.length === 2)).toBe(true);
  });

  it('refuses the 101st subscription on a single connection with a clear terminal error', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator, { streamConnections: 1 });
    const recordings: Recording<TopicItemEvent>[] = [];
    for (let i = 0; i < 100; i++) recordings.push(bed.record(topicItems(client, CACHE, 'full')));
    await emulator.waitFor(() => emulator.stats().openStreams === 100, '100 open streams');
    const error = await bed.record(topicItems(client, CACHE, 'full', { retry: { initialDelay: 5 } })).failure();
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ retryable: false, body: { errorCode: 'CLIENT_RESOURCE_EXHAUSTED' } });
    expect((error as Error).message).toContain('withNumStreamConnections');
    expect(emulator.stats().openStreams).toBe(100);
    recordings[0]!.unsubscribe();
    await emulator.waitFor(() => emulator.stats().openStreams === 99);
    bed.record(topicItems(client, CACHE, 'full'));
    await emulator.waitFor(() => emulator.stats().openStreams === 100, 'the freed slot to be reused');
  });
});
