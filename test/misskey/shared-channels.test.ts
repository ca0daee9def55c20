// Subscriptions of one channel with the same params share one server channel connection.
import { config, Subject, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRejectedError } from '../../src/core/errors.js';
import { misskey, type GapFill } from '../../src/misskey/index.js';
import { duringOutage, fastClient, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const ids = (messages: ReadonlyArray<{ body: { id: string } }>): string[] => messages.map((m) => m.body.id);

describe('shared channel connections', () => {
  it('connects two identical subscriptions once, keeps it for the one left, and disconnects it when the last leaves', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const first = rig.record(client.channel('localTimeline'));
    const second = rig.record(client.channel('localTimeline', {}));
    await until(() => emulator.stats().channels === 1, 'connected');
    const n1 = emulator.createNote('alice', { text: 'one' });
    const n2 = emulator.createNote('alice', { text: 'two' });
    expect(ids(await first.count(2))).toEqual([n1.id, n2.id]);
    expect(ids(await second.count(2))).toEqual([n1.id, n2.id]);
    expect(emulator.receivedOfType('connect')).toHaveLength(1);

    rig.subscriptions[0]?.unsubscribe();
    const n3 = emulator.createNote('alice', { text: 'three' });
    expect(ids(await second.count(3))).toEqual([n1.id, n2.id, n3.id]);
    expect(first.values).toHaveLength(2);
    expect(emulator.receivedOfType('disconnect')).toHaveLength(0);
    expect(emulator.stats().channels).toBe(1);

    rig.subscriptions[1]?.unsubscribe();
    await until(() => emulator.stats().channels === 0, 'disconnected');
    expect(emulator.receivedOfType('disconnect')).toHaveLength(1);
  });

  it('connects once per distinct params, whatever their key order', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    rig.record(client.channel('hashtag', { q: [['rxjs']] }));
    rig.record(client.channel('hashtag', { q: [['misskey']] }));
    rig.record(client.channel('localTimeline', { withReplies: true, withRenotes: false }));
    rig.record(client.channel('localTimeline', { withRenotes: false, withReplies: true }));
    rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 4, 'four channels');
    const connects = emulator.receivedOfType('connect').map((c) => c.body as { channel: string; params?: unknown });
    expect(connects).toHaveLength(4);
    expect(connects.filter((c) => c.channel === 'localTimeline').map((c) => c.params)).toEqual([{ withReplies: true, withRenotes: false }, undefined]);
  });

  it('gives a subscription with send$ or resumeFrom a connection of its own', async () => {
    const emulator = await rig.emulator();
    const cursor = emulator.createNote('alice', { text: 'before' }).id;
    const client = rig.client(emulator);
    rig.record(client.channel('localTimeline'));
    rig.record(client.channel('localTimeline'));
    const resumed = rig.record(client.channel('localTimeline', undefined, { resumeFrom: cursor }));
    rig.record(client.channel('localTimeline', undefined, { send$: new Subject() }));
    await until(() => emulator.stats().channels === 3, 'three channels');
    const live = emulator.createNote('alice', { text: 'live' });
    expect(ids(await resumed.count(1))).toEqual([live.id]);
  });

  it('gap-fills a shared connection once after a reconnect, each subscriber getting every missed note once', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const fills: GapFill[] = [];
    client.gapFills$.subscribe((fill) => fills.push(fill));
    const subscribers = [0, 1, 2].map(() => rig.record(client.channel('localTimeline')));
    await until(() => emulator.stats().channels === 1, 'connected');
    const before = emulator.createNote('alice', { text: 'before' });
    for (const s of subscribers) await s.count(1);

    const missed = await duringOutage(emulator, client, () => [1, 2, 3].map((i) => emulator.createNote('alice', { text: `missed ${i}` })));
    await until(() => fills.length === 1, 'the gap-fill');
    const live = emulator.createNote('alice', { text: 'live' });
    for (const s of subscribers) expect(ids(await s.count(5))).toEqual([before.id, ...missed.map((n) => n.id), live.id]);
    expect(emulator.apiCalls.filter((call) => call.endpoint === 'notes/local-timeline')).toHaveLength(1);
    expect(fills).toEqual([{ channel: 'localTimeline', sinceId: before.id, fetched: 3, pages: 1, complete: true }]);
    expect(emulator.receivedOfType('connect')).toHaveLength(2);
  });

  it('ends every subscriber of a rejected connection with ChannelRejectedError', async () => {
    const emulator = await rig.emulator();
    const anonymous = misskey({ origin: emulator.origin, ...fastClient, ackTimeout: 300 });
    const home = [0, 1].map(() => rig.record(anonymous.channel('homeTimeline')));
    for (const h of home) expect(await h.done()).toBeInstanceOf(ChannelRejectedError);
    expect(emulator.receivedOfType('connect')).toHaveLength(1);
  });

  it('keeps delivering to the others when one subscriber leaves during a delivery or throws', async () => {
    const unhandled: unknown[] = [];
    const previous = config.onUnhandledError;
    config.onUnhandledError = (error) => unhandled.push(error);
    try {
      const emulator = await rig.emulator();
      const client = rig.client(emulator);
      const once = rig.record(client.channel('localTimeline').pipe(take(1)));
      rig.subscriptions.push(
        client.channel('localTimeline').subscribe(() => {
          throw new Error('handler failed');
        }),
      );
      const steady = rig.record(client.channel('localTimeline'));
      await until(() => emulator.stats().channels === 1, 'connected');
      const notes = [1, 2, 3].map((i) => emulator.createNote('alice', { text: `n${i}` }));
      expect(ids(await steady.count(3))).toEqual(notes.map((n) => n.id));
      expect(ids(once.values)).toEqual([notes[0]?.id]);
      expect(once.completed).toBe(true);
      await until(() => unhandled.length === 3, 'the three handler errors reported');
      expect(emulator.stats().channels).toBe(1);
    } finally {
      config.onUnhandledError = previous;
    }
  });
});
