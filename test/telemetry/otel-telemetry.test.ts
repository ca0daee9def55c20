import { describe, expect, it, vi } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { otelHarness } from './otel-harness.js';

describe('otelTelemetry', () => {
  it('counts events, connections by state, reconnects and gaps per source', async () => {
    const otel = otelHarness();
    otel.telemetry.eventsReceived('misskey', 3);
    otel.telemetry.eventsDelivered('misskey', 2);
    otel.telemetry.connectionChanged('mixi2', 'closed', 'connecting');
    otel.telemetry.connectionChanged('mixi2', 'connecting', 'open');
    otel.telemetry.connectionChanged('mixi2', 'open', 'reconnecting');
    otel.telemetry.gapReported('mixi2');
    expect(await otel.value('streamrx.events.received', { 'streamrx.source': 'misskey' })).toBe(3);
    expect(await otel.value('streamrx.events.delivered', { 'streamrx.source': 'misskey' })).toBe(2);
    expect(await otel.value('streamrx.connections', { 'streamrx.source': 'mixi2', 'streamrx.connection.state': 'open' })).toBe(0);
    expect(await otel.value('streamrx.connections', { 'streamrx.source': 'mixi2', 'streamrx.connection.state': 'reconnecting' })).toBe(1);
    expect(await otel.value('streamrx.reconnects', { 'streamrx.source': 'mixi2' })).toBe(1);
    expect(await otel.value('streamrx.gaps', { 'streamrx.source': 'mixi2' })).toBe(1);
  });

  it('tells the time since a source last received a message, from the collections that saw its count move', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const otel = otelHarness();
      otel.telemetry.eventsReceived('mixi2', 1);
      expect(await otel.value('streamrx.events.time_since_last', { 'streamrx.source': 'mixi2' })).toBe(0);
      vi.setSystemTime(Date.now() + 90_000);
      expect(await otel.value('streamrx.events.time_since_last', { 'streamrx.source': 'mixi2' })).toBe(90);
      otel.telemetry.eventsReceived('mixi2', 1);
      expect(await otel.value('streamrx.events.time_since_last', { 'streamrx.source': 'mixi2' })).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records each call on its protocol\'s duration histogram, in seconds, and as a client span', async () => {
    const otel = otelHarness();
    const startTime = Date.now();
    otel.telemetry.callFinished({ source: 'mixi2', operation: 'CreatePost', kind: 'call', outcome: 'ok', startTime, durationMs: 250 });
    otel.telemetry.callFinished({ source: 'misskey', operation: 'notes/create', kind: 'call', outcome: 'rate_limited', errorType: 'RateLimitError', startTime, durationMs: 1500 });
    otel.telemetry.callFinished({ source: 'momento', operation: 'publish', kind: 'call', outcome: 'ok', destination: 'orders', startTime, durationMs: 5 });
    const [rpc] = await otel.histogram('rpc.client.call.duration', { 'rpc.method': 'CreatePost', 'rpc.system': 'grpc' });
    expect(rpc?.value.sum).toBeCloseTo(0.25);
    const [http] = await otel.histogram('http.client.request.duration', { 'url.template': '/api/notes/create', 'error.type': 'RateLimitError', 'streamrx.outcome': 'rate_limited' });
    expect(http?.value.sum).toBeCloseTo(1.5);
    expect(await otel.value('messaging.client.operation.duration', { 'messaging.system': 'momento', 'messaging.destination.name': 'orders' })).toBe(1);
    const spans = otel.spans();
    expect(spans.map((span) => [span.name, span.kind])).toEqual([
      ['ApplicationService/CreatePost', SpanKind.CLIENT],
      ['POST /api/notes/create', SpanKind.CLIENT],
      ['publish orders', SpanKind.PRODUCER],
    ]);
    expect(spans[1]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[0]?.duration).toEqual([0, 250_000_000]);
  });

  it('records gap-fills, rate-limit waits and webhook deliveries', async () => {
    const otel = otelHarness();
    const startTime = Date.now();
    otel.telemetry.gapFilled({ source: 'misskey', channel: 'homeTimeline', recovered: 7, complete: true, startTime, durationMs: 20 });
    otel.telemetry.rateLimitWaited('misskey', 'notes/create', 2000);
    otel.telemetry.webhookDelivery({ outcome: 'stale', status: 401, events: 0, startTime, durationMs: 1 });
    otel.telemetry.webhookDelivery({ outcome: 'accepted', status: 204, events: 2, startTime, durationMs: 1 });
    expect(await otel.value('streamrx.gap_fill.recovered', { 'streamrx.channel': 'homeTimeline' })).toBe(7);
    const [wait] = await otel.histogram('streamrx.rate_limit.wait.duration', { 'streamrx.operation': 'notes/create' });
    expect(wait?.value.sum).toBe(2);
    expect(await otel.value('streamrx.webhook.deliveries', { 'streamrx.webhook.outcome': 'stale' })).toBe(1);
    expect(await otel.value('http.server.request.duration', { 'http.response.status_code': 204 })).toBe(1);
    expect(otel.spans().map((span) => span.name)).toEqual(['gap-fill homeTimeline', 'POST', 'POST']);
  });
});
