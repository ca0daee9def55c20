import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ProtocolError } from '../../src/core/errors.js';
import { Event } from '../../src/mixi2/protocol.js';
import { jsonCodec, misskeyNoteCodec, mixi2EventCodec } from '../../src/momento/fan-out-codec.js';
import { decodeFanOutEnvelope, encodeFanOutEnvelope } from '../../src/momento/fan-out-envelope.js';
import { fanOutTo } from '../../src/momento/fan-out-to.js';
import { fromFanOut } from '../../src/momento/from-fan-out.js';
import { stableHash } from '../../src/core/partition.js';
import { buildPostCreatedEvent } from '../../src/testing/mixi2/builders.js';
import { emulatorTopicClient, startMomentoEmulator, type MomentoEmulator } from '../../src/testing/momento/index.js';
import type { TopicClient } from '@gomomento/sdk';

let emulator: MomentoEmulator;
let client: TopicClient;

beforeEach(async () => {
  emulator = await startMomentoEmulator();
  client = emulatorTopicClient(emulator);
});

afterEach(async () => {
  await emulator.waitFor(() => emulator.stats().openStreams === 0, 'every reader unsubscribed');
  await emulator.close();
});

const subscribed = (count: number) => emulator.waitFor(() => emulator.streams({ topic: 'events' }).length === count, `${count} subscribers`);

describe('fan-out envelope', () => {
  it('round-trips key, codec tag and payload, with a UTF-8 key', () => {
    const bytes = encodeFanOutEnvelope({ key: 'nöte-1', codec: 2, payload: new Uint8Array([1, 2, 3]) });
    expect([...bytes.subarray(0, 4)]).toEqual([1, 2, 0, 7]);
    const envelope = decodeFanOutEnvelope(bytes);
    expect(envelope).toMatchObject({ key: 'nöte-1', codec: 2 });
    expect([...envelope.payload]).toEqual([1, 2, 3]);
  });

  it('rejects text, other versions and truncated messages with ProtocolError', () => {
    expect(() => decodeFanOutEnvelope('hello')).toThrow(ProtocolError);
    expect(() => decodeFanOutEnvelope(new Uint8Array([1, 2]))).toThrow(ProtocolError);
    expect(() => decodeFanOutEnvelope(new Uint8Array([9, 2, 0, 0]))).toThrow(/version 9/);
    expect(() => decodeFanOutEnvelope(new Uint8Array([1, 2, 0, 9, 65]))).toThrow(/overruns/);
  });

  it('refuses keys over 65535 bytes and tags out of range', () => {
    expect(() => encodeFanOutEnvelope({ key: 'x'.repeat(65_536), codec: 1, payload: new Uint8Array() })).toThrow(InvalidArgumentError);
    expect(() => encodeFanOutEnvelope({ key: 'x', codec: 256, payload: new Uint8Array() })).toThrow(InvalidArgumentError);
  });
});

describe('fanOutTo and fromFanOut over the Momento emulator', () => {
  it('publishes mixi2 events once as protobuf bytes and every partition worker gets exactly its share', async () => {
    const events = Array.from({ length: 60 }, (_, i) => buildPostCreatedEvent({ text: `post ${i}` }, { eventId: `e-${i}` }));
    const count = 3;
    const received = Array.from({ length: count }, (_, index) =>
      firstValueFrom(fromFanOut(client, 'cache', 'events', { codec: mixi2EventCodec, partition: { index, count } }).pipe(take(events.filter((e) => stableHash(e.eventId) % count === index).length), toArray())),
    );
    await subscribed(count);
    const published = await lastValueFrom(from(events).pipe(fanOutTo(client, 'cache', 'events', { codec: mixi2EventCodec }), toArray()));
    expect(published.map((p) => p.key)).toEqual(events.map((e) => e.eventId));
    expect(published[0]?.bytes).toBeGreaterThan(Event.encode(events[0]!).finish().length);
    const shares = await Promise.all(received);
    expect(shares.flat().map((m) => m.key).sort()).toEqual(events.map((e) => e.eventId).sort());
    shares.forEach((share, index) => share.forEach((m) => expect(stableHash(m.key) % count).toBe(index)));
    expect(shares.flat().find((m) => m.key === 'e-7')?.value).toEqual(events[7]);
  });

  it('with partitioned topics, each worker subscribes only to its share', async () => {
    const events = Array.from({ length: 30 }, (_, i) => buildPostCreatedEvent({}, { eventId: `p-${i}` }));
    const share = (index: number) => events.filter((e) => stableHash(e.eventId) % 2 === index);
    const workers = [0, 1].map((index) =>
      firstValueFrom(
        fromFanOut(client, 'cache', 'events', { codec: mixi2EventCodec, partition: { index, count: 2 }, partitionedTopics: 2 }).pipe(take(share(index).length), toArray()),
      ),
    );
    await emulator.waitFor(() => emulator.streams({ topic: 'events-p0' }).length === 1 && emulator.streams({ topic: 'events-p1' }).length === 1, 'partition topics');
    await lastValueFrom(from(events).pipe(fanOutTo(client, 'cache', 'events', { codec: mixi2EventCodec, partitionedTopics: 2, publish: { concurrency: 4 } })));
    const [zero, one] = await Promise.all(workers);
    expect(zero!.map((m) => m.key).sort()).toEqual(share(0).map((e) => e.eventId).sort());
    expect(one!.map((m) => m.key).sort()).toEqual(share(1).map((e) => e.eventId).sort());
    expect(emulator.topic('cache', 'events-p0').lastSequenceNumber + emulator.topic('cache', 'events-p1').lastSequenceNumber).toBe(30);
    expect(emulator.topic('cache', 'events').lastSequenceNumber).toBe(0);
    expect(() => fromFanOut(client, 'cache', 'events', { codec: mixi2EventCodec, partitionedTopics: 2 })).toThrow(InvalidArgumentError);
  });

  it('carries Misskey notes as JSON keyed by note id, several shares per worker', async () => {
    const notes = Array.from({ length: 12 }, (_, i) => ({ id: `n${i}`, text: `note ${i}` }));
    const all = firstValueFrom(fromFanOut(client, 'cache', 'events', { codec: misskeyNoteCodec, partition: { index: [0, 1], count: 2 } }).pipe(take(12), toArray()));
    await subscribed(1);
    await lastValueFrom(from(notes).pipe(fanOutTo(client, 'cache', 'events', { codec: misskeyNoteCodec, publish: { concurrency: 4 } })));
    expect((await all).map((m) => m.value).sort((a, b) => a.id.localeCompare(b.id))).toEqual([...notes].sort((a, b) => a.id.localeCompare(b.id)));
  });

  it('ends a reader with ProtocolError on a foreign message, or skips it when told to', async () => {
    const skipped: ProtocolError[] = [];
    const strict = lastValueFrom(fromFanOut(client, 'cache', 'events', { codec: misskeyNoteCodec, retry: false })).then(
      () => undefined,
      (error: unknown) => error,
    );
    const lenient = firstValueFrom(fromFanOut(client, 'cache', 'events', { codec: misskeyNoteCodec, undecodable: 'skip', onUndecodable: (e) => skipped.push(e) }));
    await subscribed(2);
    emulator.publish('cache', 'events', 'plain text');
    emulator.publish('cache', 'events', encodeFanOutEnvelope({ key: 'k', codec: 1, payload: new Uint8Array([1]) }));
    await lastValueFrom(from([{ id: 'ok' }]).pipe(fanOutTo(client, 'cache', 'events', { codec: misskeyNoteCodec })));
    expect(await strict).toBeInstanceOf(ProtocolError);
    expect((await lenient).value).toEqual({ id: 'ok' });
    expect(skipped.map((e) => e.message)).toEqual([expect.stringMatching(/text/), expect.stringMatching(/codec tag 1/)]);
  });

  it('refuses a missing codec and values the codec cannot key or serialise', async () => {
    expect(() => fanOutTo(client, 'cache', 'events', {} as never)).toThrow(InvalidArgumentError);
    const cyclic: { id: string; self?: unknown } = { id: 'c' };
    cyclic.self = cyclic;
    await expect(lastValueFrom(from([cyclic]).pipe(fanOutTo(client, 'cache', 'events', { codec: jsonCodec((v: typeof cyclic) => v.id) })))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(lastValueFrom(from([{}]).pipe(fanOutTo(client, 'cache', 'events', { codec: jsonCodec(() => undefined as unknown as string) })))).rejects.toThrow(/partition key/);
    expect(() => fromFanOut(client, 'cache', 'events', { codec: mixi2EventCodec, partition: { index: 3, count: 3 } })).toThrow(InvalidArgumentError);
    expect(() => fromFanOut(client, 'cache', 'events', {} as never)).toThrow(InvalidArgumentError);
  });
});
