// Misskey through otelTelemetry against the emulator: channels, the socket, gap-fill, API calls and uploads.
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import { RateLimitError } from '../../src/core/errors.js';
import { duringOutage, Rig, until } from '../misskey/helpers.js';
import { otelHarness } from './otel-harness.js';
import { expectNoSecrets } from './no-secrets.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const misskey = { 'streamrx.source': 'misskey' };

describe('Misskey telemetry', () => {
  it('counts channel messages, the socket by state, a reconnect, the gap and the notes its gap-fill recovered', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    emulator.createNote('alice', { text: 'n0' });
    await local.count(1);
    expect(await otel.value('streamrx.events.received', misskey)).toBe(1);
    expect(await otel.value('streamrx.events.delivered', misskey)).toBe(1);
    expect(await otel.value('streamrx.connections', { ...misskey, 'streamrx.connection.state': 'open' })).toBe(1);

    await duringOutage(emulator, client, () => Array.from({ length: 3 }, (_, i) => emulator.createNote('alice', { text: `missed ${i}` })));
    await local.count(4);
    await until(() => otel.spans().some((span) => span.name === 'gap-fill localTimeline'), 'the gap-fill span');
    expect(await otel.value('streamrx.reconnects', misskey)).toBeGreaterThanOrEqual(1);
    expect(await otel.value('streamrx.gaps', misskey)).toBe(1);
    expect(await otel.value('streamrx.gap_fill.recovered', { ...misskey, 'streamrx.channel': 'localTimeline', 'streamrx.gap_fill.complete': true })).toBe(3);
    expect(await otel.value('streamrx.events.delivered', misskey)).toBe(4);
    expect(await otel.value('http.client.request.duration', { 'url.template': '/api/notes/local-timeline', 'streamrx.outcome': 'ok' })).toBe(1);
    expect(await otel.value('streamrx.connections', { ...misskey, 'streamrx.connection.state': 'open' })).toBe(1);
    await expectNoSecrets(otel, [emulator.users['admin']!.token]);
  });

  it('counts a message of a shared channel connection once as received and once per subscriber as delivered, its gap once', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const locals = [0, 1, 2].map(() => rig.record(client.channel('localTimeline')));
    await until(() => emulator.stats().channels === 1, 'connected');
    emulator.createNote('alice', { text: 'n0' });
    for (const local of locals) await local.count(1);
    expect(await otel.value('streamrx.events.received', misskey)).toBe(1);
    expect(await otel.value('streamrx.events.delivered', misskey)).toBe(3);

    await duringOutage(emulator, client, () => emulator.createNote('alice', { text: 'missed' }));
    for (const local of locals) await local.count(2);
    expect(await otel.value('streamrx.gaps', misskey)).toBe(1);
    expect(await otel.value('streamrx.events.delivered', misskey)).toBe(6);
    expect(await otel.value('streamrx.gap_fill.recovered', { ...misskey, 'streamrx.channel': 'localTimeline', 'streamrx.gap_fill.complete': true })).toBe(1);
  });

  it('times API calls by endpoint and outcome, and records the wait a 429 imposed on the retry', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const strict = rig.client(emulator, { telemetry: otel.telemetry, http: { retryRateLimited: false } });
    await firstValueFrom(client.api('notes/create', { text: 'one' }));
    emulator.rateLimitNext(1, { endpoint: 'notes/create', retryAfterSeconds: 0.05 });
    await expect(firstValueFrom(strict.api('notes/create', { text: 'two' }))).rejects.toBeInstanceOf(RateLimitError);
    emulator.rateLimitNext(1, { endpoint: 'notes/create', retryAfterSeconds: 0.05 });
    await firstValueFrom(client.api('notes/create', { text: 'three' }));

    const create = { 'url.template': '/api/notes/create', 'http.request.method': 'POST' };
    expect(await otel.value('http.client.request.duration', { ...create, 'streamrx.outcome': 'ok' })).toBe(2);
    expect(await otel.value('http.client.request.duration', { ...create, 'streamrx.outcome': 'rate_limited', 'error.type': 'RateLimitError' })).toBe(1);
    expect(await otel.value('streamrx.rate_limit.wait.duration', { ...misskey, 'streamrx.operation': 'notes/create' })).toBe(1);
    const spans = otel.spans().filter((span) => span.name === 'POST /api/notes/create');
    expect(spans.map((span) => span.kind)).toEqual([SpanKind.CLIENT, SpanKind.CLIENT, SpanKind.CLIENT]);
    await expectNoSecrets(otel, [emulator.users['admin']!.token, emulator.origin]);
  });

  it('spans an upload as a whole', async () => {
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const png = new Uint8Array(64);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1]);
    await lastValueFrom(client.uploadFile(png, { name: 'a.png' }));
    const upload = otel.spans().find((span) => span.name === 'upload POST /api/drive/files/create');
    expect(upload?.attributes['streamrx.outcome']).toBe('ok');
    // The upload is a span; the duration histogram counts the call it made, once.
    expect(await otel.value('http.client.request.duration', { 'url.template': '/api/drive/files/create' })).toBe(1);
  });
});
