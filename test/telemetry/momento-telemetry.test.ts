// Momento through otelTelemetry against the emulator: a topic subscription and publishes.
import { status } from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { RateLimitError } from '../../src/core/errors.js';
import { publishTo, topicEvents, type TopicEvent } from '../../src/momento/index.js';
import { MomentoTestBed } from '../momento/harness.js';
import { otelHarness } from './otel-harness.js';

const CACHE = 'cache';
const isItem = (event: TopicEvent): boolean => event.type === 'item';
const momento = { 'streamrx.source': 'momento' };

describe('Momento telemetry', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('counts items received and delivered, the subscription by state, a reconnect and a discontinuity as a gap', async () => {
    const otel = otelHarness();
    const emulator = await bed.emulator();
    const events = bed.record(topicEvents(bed.client(emulator), CACHE, 't', { telemetry: otel.telemetry }));
    await emulator.waitFor(() => emulator.stats().openStreams === 1);
    emulator.publish(CACHE, 't', 'one');
    emulator.publish(CACHE, 't', 'two');
    await events.next(2, isItem);
    // Heartbeats are messages too: every one received was delivered, nothing dropped.
    expect(await otel.value('streamrx.events.delivered', momento)).toBe(events.values.length);
    expect(await otel.value('streamrx.events.received', momento)).toBe(events.values.length);
    expect(await otel.value('streamrx.connections', { ...momento, 'streamrx.connection.state': 'open' })).toBe(1);

    emulator.endStreams({ code: status.UNAVAILABLE, details: 'going away' });
    await emulator.waitFor(() => emulator.subscribeRequests.length === 2 && emulator.stats().openStreams === 1, 'the SDK to resubscribe');
    emulator.discontinuity(CACHE, 't', { skip: 5 });
    emulator.publish(CACHE, 't', 'after');
    await events.next(3, isItem);
    expect(await otel.value('streamrx.reconnects', momento)).toBe(1);
    expect(await otel.value('streamrx.gaps', momento)).toBe(1);
    expect(await otel.value('streamrx.events.delivered', momento)).toBe(events.values.length);

    events.unsubscribe();
    expect(await otel.value('streamrx.connections', momento)).toBe(0);
  });

  it('times each publish by outcome as a producer span on its topic', async () => {
    const otel = otelHarness();
    const emulator = await bed.emulator();
    const client = bed.client(emulator);
    await lastValueFrom(from(['a', 'b']).pipe(publishTo(client, CACHE, 'orders', { telemetry: otel.telemetry }), toArray()));
    emulator.rateLimitNext(1, { endpoint: 'publish' });
    await expect(firstValueFrom(from(['c']).pipe(publishTo(client, CACHE, 'orders', { telemetry: otel.telemetry })))).rejects.toBeInstanceOf(RateLimitError);

    const publish = { 'messaging.system': 'momento', 'messaging.operation.name': 'publish', 'messaging.destination.name': 'orders' };
    expect(await otel.value('messaging.client.operation.duration', { ...publish, 'streamrx.outcome': 'ok' })).toBe(2);
    expect(await otel.value('messaging.client.operation.duration', { ...publish, 'streamrx.outcome': 'rate_limited' })).toBe(1);
    const spans = otel.spans();
    expect(spans.map((span) => [span.name, span.kind])).toEqual(Array.from({ length: 3 }, () => ['publish orders', SpanKind.PRODUCER]));
  });
});
