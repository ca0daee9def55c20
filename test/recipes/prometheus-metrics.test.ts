import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { prometheusMetrics, type PrometheusMetrics } from '../../recipes/prometheus-metrics.js';
import { Rig, until } from '../misskey/helpers.js';

const rig = new Rig();
let metrics: PrometheusMetrics | undefined;
afterEach(async () => {
  await rig.dispose();
  await metrics?.close();
  metrics = undefined;
});

/** The value of the sample `name{…}` whose labels include every one of `labels`. */
function sample(exposition: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of exposition.split('\n')) {
    const match = /^([\w:]+)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => present.includes(`${key}="${value}"`))) return Number(match[3]);
  }
  return undefined;
}

describe('recipe 10: Prometheus metrics', () => {
  it('serves the counts of a live Misskey channel and the duration of its API calls to a real scrape', async () => {
    metrics = await prometheusMetrics({ port: 0 });
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: metrics.telemetry });
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    for (const text of ['a', 'b', 'c']) emulator.createNote('alice', { text });
    await local.count(3);
    await firstValueFrom(client.api('notes/create', { text: 'while scraped' }));
    await local.count(4);

    const response = await fetch(metrics.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(sample(body, 'streamrx_events_received_total', { streamrx_source: 'misskey' })).toBe(4);
    expect(sample(body, 'streamrx_events_delivered_total', { streamrx_source: 'misskey' })).toBe(4);
    expect(sample(body, 'streamrx_connections', { streamrx_source: 'misskey', streamrx_connection_state: 'open' })).toBe(1);
    expect(sample(body, 'http_client_request_duration_count', { url_template: '/api/notes/create', streamrx_outcome: 'ok' })).toBe(1);
    expect(body).toContain('# TYPE http_client_request_duration histogram');
    expect(sample(body, 'streamrx_events_time_since_last', { streamrx_source: 'misskey' })).toBe(0);
    expect(body).not.toContain(emulator.users['admin']!.token);
    expect((await fetch(metrics.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});
