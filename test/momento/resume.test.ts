import { status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { InvalidArgumentError } from '../../src/index.js';
import { encodeFanOutEnvelope, fromFanOut, jsonCodec, topicEvents, topicItems, type TopicEvent, type TopicSubscriber } from '../../src/momento/index.js';
import { canSubscribeAt } from '../../src/momento/subscribe-at.js';
import { MomentoTestBed } from './harness.js';

const CACHE = 'cache';
const bed = new MomentoTestBed();
afterEach(() => bed.cleanup());

const notHeartbeat = (e: TopicEvent) => e.type !== 'heartbeat';

describe('topicEvents resumeAfter: starting at a stored sequence number through the SDK (real TopicClient, MomentoLocalProvider)', () => {
  it('reaches the SDK’s internal pub/sub clients (pinned: an SDK change fails here)', async () => {
    const emulator = await bed.emulator();
    expect(canSubscribeAt(bed.client(emulator))).toBe(true);
  });

  it('asks the service to resume after the stored item and gets what it still holds, then live items', async () => {
    const emulator = await bed.emulator({ initialSequencePage: 2 });
    for (const v of ['1', '2', '3', '4', '5']) emulator.publish(CACHE, 't', v);
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { resumeAfter: { sequenceNumber: 3, sequencePage: 2 } }));
    const replayed = await events.next(2, notHeartbeat);
    expect(emulator.subscribeRequests.at(-1)).toMatchObject({ resumeAtSequenceNumber: 4, sequencePage: 2 });
    emulator.publish(CACHE, 't', '6');
    const [live] = (await events.next(3, notHeartbeat)).slice(2);
    expect([...replayed, live]).toEqual([
      { type: 'item', value: '4', sequenceNumber: 4, sequencePage: 2, publisherId: '' },
      { type: 'item', value: '5', sequenceNumber: 5, sequencePage: 2, publisherId: '' },
      { type: 'item', value: '6', sequenceNumber: 6, sequencePage: 2, publisherId: '' },
    ]);
  });

  it('surfaces a discontinuity when the service no longer holds the items after the stored one', async () => {
    const emulator = await bed.emulator({ retainedItems: 2 });
    for (const v of ['1', '2', '3', '4', '5', '6']) emulator.publish(CACHE, 't', v);
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { resumeAfter: { sequenceNumber: 1, sequencePage: 1 } }));
    expect(await events.next(3, notHeartbeat)).toEqual([
      { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 4, newSequencePage: 1, origin: 'service' },
      { type: 'item', value: '5', sequenceNumber: 5, sequencePage: 1, publisherId: '' },
      { type: 'item', value: '6', sequenceNumber: 6, sequencePage: 1, publisherId: '' },
    ]);
  });

  it('keeps the SDK’s own resubscribe: after a stream error it goes on from the last item, without repeats', async () => {
    const emulator = await bed.emulator();
    for (const v of ['1', '2', '3']) emulator.publish(CACHE, 't', v);
    const items = bed.record(topicItems(bed.client(emulator), CACHE, 't', { resumeAfter: { sequenceNumber: 1, sequencePage: 1 } }));
    await items.next(2);
    emulator.endStreams({ code: status.UNAVAILABLE });
    emulator.publish(CACHE, 't', '4');
    const all = await items.next(3);
    expect(all.map((i) => i.value)).toEqual(['2', '3', '4']);
    expect(emulator.subscribeRequests.at(-1)).toMatchObject({ resumeAtSequenceNumber: 4 });
  });

  it('fromFanOut resumes a worker after its stored position', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    const codec = jsonCodec((value: { n: number }) => `k${value.n}`);
    for (let n = 1; n <= 4; n++) emulator.publish(CACHE, 'events', encodeFanOutEnvelope({ key: `k${n}`, codec: codec.tag, payload: codec.encode({ n }) }));
    const messages = bed.record(fromFanOut(client, CACHE, 'events', { codec, resumeAfter: { sequenceNumber: 2, sequencePage: 1 } }));
    const got = await messages.next(2);
    expect(got.map((m) => [m.value.n, m.sequenceNumber, m.sequencePage])).toEqual([
      [3, 3, 1],
      [4, 4, 1],
    ]);
  });

  it('refuses resumeAfter on a subscriber that is not an SDK TopicClient, and a malformed position', async () => {
    const standIn: TopicSubscriber = { subscribe: () => new Promise(() => undefined) };
    const error = await firstValueFrom(topicEvents(standIn, CACHE, 't', { resumeAfter: { sequenceNumber: 1, sequencePage: 0 }, retry: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(() => topicEvents(standIn, CACHE, 't', { resumeAfter: { sequenceNumber: -1, sequencePage: 0 } })).toThrow(InvalidArgumentError);
  });
});
