// The demo's status line reads the clients' OpenTelemetry metrics (collected in process) where they exist.
import { NEVER } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSources, type Connections } from '../../recipes/connect.js';
import { Meter } from '../../recipes/meter.js';
import { statusLine, summaryTable } from '../../recipes/status.js';
import { tinyPolicies, until } from './harness.js';

describe('SourceMetrics of connectSources', () => {
  let connections: Connections | undefined;
  afterEach(async () => {
    await connections?.close();
    connections = undefined;
  });

  it('counts what a channel delivered and its reconnect from the metrics, and the status line shows them', async () => {
    connections = await connectSources(['misskey'], { env: {}, policies: tinyPolicies });
    const emulator = connections.emulators.misskey!;
    const link = connections.misskey!;
    const notes: unknown[] = [];
    const subscription = link.channel('localTimeline').subscribe((note) => notes.push(note));
    await until(() => emulator.stats().channels === 1, 'the channel');
    emulator.createNote('alice', { text: 'counted by the metrics' });
    await until(() => notes.length === 1, 'the note');
    expect((await connections.metrics.collect()).misskey).toMatchObject({ in: 1, reconnects: 0 });

    connections.emulators.dropConnections();
    await until(() => link.meter.counters.reconnects === 1, 'the reconnect');
    const collected = await connections.metrics.collect();
    expect(collected.misskey).toMatchObject({ in: 1, reconnects: 1 });
    expect(collected.misskey).not.toHaveProperty('gaps');
    expect(statusLine(1000, [link], collected)).toBe('[   1s] misskey in 1 out 0 reconnects 1 gaps 0 errors 0');
    subscription.unsubscribe();
  });

  it('takes each counter the metrics provide instead of the link counters, the others from the link', () => {
    const meter = new Meter();
    meter.add('in', 2);
    meter.add('out', 3);
    meter.add('errors', 1);
    const link = { source: 'mixi2' as const, real: false, meter, reconnects$: NEVER, gaps$: NEVER, close: () => undefined };
    const collected = { mixi2: { in: 7, reconnects: 2, gaps: 1 } };
    expect(statusLine(2000, [link], collected)).toBe('[   2s] mixi2 in 7 out 3 reconnects 2 gaps 1 errors 1');
    expect(summaryTable([], [link], collected).split('\n').at(-1)).toBe('mixi2   emulator   7    3           2     1       1');
  });
});
