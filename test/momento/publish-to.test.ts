import { status } from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError } from '../../src/core/errors.js';
import { publishTo, topicItems, type TopicPublisher } from '../../src/momento/index.js';
import { MomentoTestBed } from './harness.js';

const CACHE = 'cache';

describe('publishTo', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('with concurrency 1 publishes and emits in input order', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator, { unaryConnections: 4 });
    const items = bed.record(topicItems(client, CACHE, 'ordered'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    const values = Array.from({ length: 50 }, (_, i) => `v${i}`);
    const results = await lastValueFrom(from(values).pipe(publishTo(client, CACHE, 'ordered'), toArray()));
    expect(results.map((r) => r.index)).toEqual(values.map((_, i) => i));
    const received = await items.next(50);
    expect(received.map((i) => i.value)).toEqual(values);
    expect(received.map((i) => i.sequenceNumber)).toEqual(values.map((_, i) => i + 1));
  });

  it('with concurrency 8 delivers every value exactly once', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator, { unaryConnections: 4 });
    const items = bed.record(topicItems(client, CACHE, 'parallel'));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    const values = Array.from({ length: 200 }, (_, i) => (i % 2 ? `s${i}` : new TextEncoder().encode(`b${i}`)));
    const results = await lastValueFrom(from(values).pipe(publishTo(client, CACHE, 'parallel', { concurrency: 8 }), toArray()));
    expect(new Set(results.map((r) => r.index)).size).toBe(200);
    const received = await items.next(200);
    const decoded = received.map((i) => (typeof i.value === 'string' ? i.value : new TextDecoder().decode(i.value)));
    const expected = values.map((v) => (typeof v === 'string' ? v : new TextDecoder().decode(v)));
    expect([...decoded].sort()).toEqual([...expected].sort());
    expect(emulator.topic(CACHE, 'parallel').lastSequenceNumber).toBe(200);
  });

  it('never has more than `concurrency` publishes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const publisher: TopicPublisher = {
      publish: async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
        const { TopicPublish } = await import('@gomomento/sdk');
        return new TopicPublish.Success();
      },
    };
    await lastValueFrom(from(Array.from({ length: 40 }, (_, i) => `${i}`)).pipe(publishTo(publisher, CACHE, 't', { concurrency: 3 }), toArray()));
    expect(peak).toBe(3);
  });

  it('fails with typed errors: oversized value, bad credentials, bad input', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    const tooBig = 'x'.repeat(4097);
    await expect(firstValueFrom(from([tooBig]).pipe(publishTo(client, CACHE, 't')))).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(firstValueFrom(from(['x'.repeat(4096)]).pipe(publishTo(client, CACHE, 't')))).resolves.toMatchObject({ index: 0 });
    await expect(firstValueFrom(from([42 as unknown as string]).pipe(publishTo(client, CACHE, 't')))).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => publishTo(client, CACHE, 't', { concurrency: 0 })).toThrow(InvalidArgumentError);
    emulator.rejectCredentials();
    await expect(firstValueFrom(from(['x']).pipe(publishTo(client, CACHE, 't', { retry: { initialDelay: 5 } })))).rejects.toBeInstanceOf(
      AuthenticationError,
    );
  });

  it('retries retryable failures only when asked to', async () => {
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    emulator.failNext(1, { endpoint: 'publish', code: status.UNAVAILABLE });
    await expect(firstValueFrom(from(['once']).pipe(publishTo(client, CACHE, 't')))).rejects.toBeInstanceOf(ConnectionLostError);
    emulator.failNext(2, { endpoint: 'publish', code: status.UNAVAILABLE });
    let retries = 0;
    const published = await lastValueFrom(
      from(['a', 'b']).pipe(publishTo(client, CACHE, 't', { retry: { initialDelay: 5, maxRetries: 3, onRetry: () => (retries += 1) } }), toArray()),
    );
    expect(published.map((p) => p.value)).toEqual(['a', 'b']);
    expect(retries).toBe(2);
    expect(emulator.topic(CACHE, 't').lastSequenceNumber).toBe(2);
  });
});
