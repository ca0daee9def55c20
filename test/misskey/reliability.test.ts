import { firstValueFrom, Subject, toArray, take } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, InvalidArgumentError, PermissionError } from '../../src/core/errors.js';
import { misskey, type GapFill } from '../../src/misskey/index.js';
import { duringOutage, overflowOutboundDuringOutage, reach, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('reconnect', () => {
  it('reconnects every live channel (new ids, acks awaited) and note once after a drop', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const note = emulator.createNote('admin', { text: 'followed' });
    const local = rig.record(client.channel('localTimeline'));
    const main = rig.record(client.channel('main'));
    const updates = rig.record(client.noteUpdates(note.id));
    rig.record(client.noteUpdates(note.id));
    await until(() => emulator.stats().channels === 2 && emulator.stats().noteSubscriptions === 1, 'subscribed');
    const firstIds = emulator.receivedOfType('connect').map((c) => (c.body as { id: string }).id);
    const before = emulator.received.length;

    emulator.dropConnections();
    await reach(client.state$, 'reconnecting');
    await reach(client.state$, 'open');
    await until(() => emulator.stats().connections === 1 && emulator.stats().channels === 2 && emulator.stats().noteSubscriptions === 1, 'resubscribed');
    const after = emulator.received.slice(before) as Array<{ type: string; body: { id: string; channel?: string } }>;
    expect(after.map((f) => f.type)).toEqual(['connect', 'connect', 'subNote']);
    expect(after.filter((f) => f.type === 'connect').every((f) => !firstIds.includes(f.body.id))).toBe(true);
    expect(emulator.stats().noteReferences).toBe(1);

    const posted = emulator.createNote('alice', { text: 'after' });
    emulator.react(note.id, 'alice', '👍');
    emulator.emit('main', 'meUpdated', { id: 'me' });
    expect((await local.count(1))[0]?.body.id).toBe(posted.id);
    expect((await updates.count(1))[0]?.type).toBe('reacted');
    await until(() => main.values.some((m) => m.type === 'meUpdated'), 'main event after reconnect');
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('gap-fills timeline channels in order, without duplicates or losses', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const fills: GapFill[] = [];
    client.gapFills$.subscribe((f) => fills.push(f));
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const first = emulator.createNote('alice', { text: 'n0' });
    await local.count(1);

    const missed = await duringOutage(emulator, client, () => Array.from({ length: 5 }, (_, i) => emulator.createNote('alice', { text: `missed ${i}` })));
    await until(() => emulator.stats().upgrades === 2 && emulator.stats().connections === 1 && emulator.stats().channels === 1, 'reconnected');
    const live = emulator.createNote('alice', { text: 'live' });
    const messages = await local.count(7);
    expect(messages.map((m) => m.body.id)).toEqual([first.id, ...missed.map((n) => n.id), live.id]);
    // The live note may also be in the page (posted before the fetch ran); it is delivered once either way.
    expect(fills).toEqual([{ channel: 'localTimeline', sinceId: first.id, fetched: expect.any(Number), pages: 1, complete: true }]);
    expect(fills[0]?.fetched).toBeGreaterThanOrEqual(5);
    expect(new Set(messages.map((m) => m.body.id)).size).toBe(messages.length);
    const fetch = emulator.apiCalls.find((c) => c.endpoint === 'notes/local-timeline');
    expect(fetch?.params).toEqual({ sinceId: first.id, limit: 100 });
  });

  it('de-duplicates notes that arrive both live and in the gap-fill page', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const home = rig.record(client.channel('homeTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const first = emulator.createNote('admin', { text: 'h0' });
    await home.count(1);
    emulator.failNext(1, { endpoint: 'notes/timeline', code: 500 });
    emulator.dropConnections();
    await until(() => emulator.stats().upgrades === 2 && emulator.stats().channels === 1, 'reconnected');
    // Posted after the new connect: delivered live while the (retried) page fetch is under way, and in the page.
    const both = emulator.createNote('admin', { text: 'both' });
    const next = emulator.createNote('admin', { text: 'next' });
    const messages = await home.count(3);
    await until(() => emulator.apiCalls.filter((c) => c.endpoint === 'notes/timeline').length === 2, 'page fetched');
    const later = emulator.createNote('admin', { text: 'later' });
    await home.count(4);
    expect(messages.map((m) => m.body.id)).toEqual([first.id, both.id, next.id, later.id]);
  });

  it('gap-fills a channel that had delivered nothing yet, from the time it was first acknowledged', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const fill = firstValueFrom(client.gapFills$);
    const before = emulator.createNote('alice', { text: 'before the subscription' });
    await until(() => Date.now() >= Date.parse(before.createdAt) + 2, 'the clock moved on');
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const missed = await duringOutage(emulator, client, () => emulator.createNote('alice', { text: 'missed on a quiet channel' }));
    expect(await fill).toMatchObject({ channel: 'localTimeline', sinceDate: expect.any(Number), complete: true });
    const [message] = await local.count(1);
    expect(message?.body.id).toBe(missed.id);
    expect(local.values).toHaveLength(1);
  });

  it('fetches a gap larger than one page page by page, each page after the newest note of the last', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { gapFill: { limit: 3 } });
    const fill = firstValueFrom(client.gapFills$);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const first = emulator.createNote('alice', { text: 'n0' });
    await local.count(1);
    const missed = await duringOutage(emulator, client, () => Array.from({ length: 7 }, (_, i) => emulator.createNote('alice', { text: `missed ${i}` })));
    expect(await fill).toEqual({ channel: 'localTimeline', sinceId: first.id, fetched: 7, pages: 3, complete: true });
    const messages = await local.count(8);
    expect(messages.map((m) => m.body.id)).toEqual([first.id, ...missed.map((n) => n.id)]);
    const cursors = emulator.apiCalls.filter((c) => c.endpoint === 'notes/local-timeline').map((c) => (c.params as { sinceId: string }).sinceId);
    expect(cursors).toEqual([first.id, missed[2]?.id, missed[5]?.id]);
  });

  it('reports a gap larger than maxPages pages as incomplete, after delivering what it fetched', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { gapFill: { limit: 2, maxPages: 2 } });
    const fill = firstValueFrom(client.gapFills$);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const first = emulator.createNote('alice', { text: 'n0' });
    await local.count(1);
    const missed = await duringOutage(emulator, client, () => Array.from({ length: 5 }, (_, i) => emulator.createNote('alice', { text: `missed ${i}` })));
    expect(await fill).toEqual({ channel: 'localTimeline', sinceId: first.id, fetched: 4, pages: 2, complete: false });
    const messages = await local.count(5);
    expect(messages.map((m) => m.body.id)).toEqual([first.id, ...missed.slice(0, 4).map((n) => n.id)]);
  });

  it('rejects a gap-fill page larger than the server accepts', () => {
    expect(() => misskey({ origin: 'http://127.0.0.1:1', gapFill: { limit: 101 } })).toThrow(InvalidArgumentError);
    expect(() => misskey({ origin: 'http://127.0.0.1:1', gapFill: { maxPages: -1 } })).toThrow(InvalidArgumentError);
  });

  it('ends every stream with AuthenticationError when the upgrade is refused with 401, without retrying', async () => {
    const emulator = await rig.emulator();
    emulator.refuseUpgrades(401);
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    const notes = rig.record(client.noteUpdates('n1'));
    expect(await local.done()).toBeInstanceOf(AuthenticationError);
    expect(await notes.done()).toBeInstanceOf(AuthenticationError);
    expect(emulator.stats().streamRequests).toBe(1);
    expect(await firstValueFrom(client.state$)).toBe('closed');
  });

  it('treats a 401 after a drop (revoked token) as terminal too, and 403 as PermissionError', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    emulator.refuseUpgrades(403);
    emulator.dropConnections();
    expect(await local.done()).toBeInstanceOf(PermissionError);
    expect(emulator.stats().streamRequests).toBe(2);
    const bad = rig.client(emulator, { token: 'leaked-secret' });
    emulator.refuseUpgrades(null);
    const error = (await rig.record(bad.channel('localTimeline')).done()) as Error;
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).not.toContain('leaked-secret');
  });

  it('keeps retrying other upgrade failures with backoff', async () => {
    const emulator = await rig.emulator();
    emulator.refuseUpgrades(502);
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().streamRequests >= 3, 'three attempts');
    emulator.refuseUpgrades(null);
    await until(() => emulator.stats().channels === 1, 'connected');
    const note = emulator.createNote('alice', { text: 'finally' });
    expect((await local.count(1))[0]?.body.id).toBe(note.id);
  });
});

describe('outbound messages while disconnected', () => {
  it('holds ch messages until the channel is connected again, then sends them with its new id', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const requests = new Subject<{ type: 'requestLog'; body: { id: string; length: number } }>();
    const stats = rig.record(client.channel('serverStats', undefined, { send$: requests }));
    await until(() => emulator.stats().channels === 1, 'connected');
    const before = emulator.received.length;
    await duringOutage(emulator, client, () => requests.next({ type: 'requestLog', body: { id: 'held', length: 5 } }));
    const [log] = await stats.count(1);
    expect(log?.type).toBe('statsLog');
    const after = emulator.received.slice(before) as Array<{ type: string; body: { id: string } }>;
    expect(after.map((f) => f.type)).toEqual(['connect', 'ch']);
    expect(after[1]?.body.id).toBe(after[0]?.body.id);
  });

  it('bounds the held messages: past the limit the oldest are dropped and counted', async () => {
    const { emulator, client } = await overflowOutboundDuringOutage(rig);
    expect(emulator.receivedOfType('ch').map((f) => (f.body as { body: { id: string } }).body.id)).toEqual(['r3', 'r4']);
    expect(client.stats().droppedOutbound).toBe(3);
  });
});

describe('keep-alive', () => {
  it('stays on a socket kept alive by protocol pings, and replaces one that went silent (watchdog)', async () => {
    const emulator = await rig.emulator({ pingIntervalMs: 25 });
    const client = rig.client(emulator, { keepAlive: { idleTimeout: 400, heartbeatInterval: 0 } });
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    const before = emulator.stats().upgrades;
    emulator.stall();
    await until(() => emulator.stats().upgrades > before, 'new socket after silence');
    await until(() => emulator.stats().connections === 1 && emulator.stats().channels === 1, 'resubscribed');
    const note = emulator.createNote('alice', { text: 'alive again' });
    expect((await local.count(1))[0]?.body.id).toBe(note.id);
  });

  it('sends h heartbeats, which the server ignores (not JSON)', async () => {
    const emulator = await rig.emulator({ pingIntervalMs: 20 });
    const client = rig.client(emulator, { keepAlive: { idleTimeout: 10_000, heartbeatInterval: 15 } });
    rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().nonJsonFrames >= 3, 'three h frames');
    await until(() => emulator.stats().connections === 1, 'connected');
    expect(emulator.stats().upgrades).toBe(1);
  });
});

describe('malformed frames', () => {
  it('counts and skips junk without breaking the socket or other subscribers', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    const note = emulator.createNote('admin', { text: 'n' });
    const updates = rig.record(client.noteUpdates(note.id));
    await until(() => emulator.stats().channels === 1 && emulator.stats().noteSubscriptions === 1, 'subscribed');
    for (const junk of ['not json', '{"type":1}', '[]', 'null', '{"type":"channel"}', '{"type":"channel","body":{"id":5}}', '{"type":"noteUpdated","body":"x"}', '{"type":"whatever","body":{}}', '{"type":"connected","body":{"id":"999"}}']) {
      emulator.sendRaw(junk);
    }
    const posted = emulator.createNote('alice', { text: 'still here' });
    emulator.react(note.id, 'alice', '👍');
    expect((await local.count(1))[0]?.body.id).toBe(posted.id);
    expect((await updates.count(1))[0]?.type).toBe('reacted');
    expect(client.stats()).toMatchObject({ malformedFrames: 7, unknownFrames: 1, reconnects: 0 });
    expect(emulator.stats().upgrades).toBe(1);
  });

  it('skips binary frames and text frames with invalid UTF-8 instead of losing the socket', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    await emulator.sendRawBytes(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    await emulator.sendRawBytes(Buffer.from('{"type":"channel"}'), { binary: true });
    const note = emulator.createNote('alice', { text: 'after bad bytes' });
    expect((await local.count(1))[0]?.body.id).toBe(note.id);
    expect(client.stats()).toMatchObject({ malformedFrames: 2, reconnects: 0 });
    expect(emulator.stats().upgrades).toBe(1);
  });
});

describe('leaks', () => {
  it('leaves no socket, channel or note subscription behind after unsubscribing everything', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const notes = Array.from({ length: 10 }, (_, i) => emulator.createNote('admin', { text: `n${i}` }));
    for (let round = 0; round < 3; round++) {
      const subs = [
        ...Array.from({ length: 5 }, () => client.channel('localTimeline').subscribe()),
        client.channel('main').subscribe(),
        client.broadcasts().subscribe(),
        ...notes.map((n) => client.noteUpdates(n.id).subscribe()),
      ];
      // the five localTimeline subscriptions share one server channel, main is the second
      await until(() => emulator.stats().channels === 2 && emulator.stats().noteSubscriptions === 10, 'all subscribed');
      if (round === 1) {
        emulator.dropConnections();
        await until(() => emulator.stats().upgrades === 3 && emulator.stats().connections === 1 && emulator.stats().channels === 2 && emulator.stats().noteSubscriptions === 10, 'resubscribed');
      }
      for (const s of subs) s.unsubscribe();
      await reach(client.state$, 'closed');
      await until(() => emulator.stats().connections === 0, 'socket closed');
      expect(emulator.stats()).toMatchObject({ connections: 0, channels: 0, noteSubscriptions: 0 });
    }
    const states = await firstValueFrom(client.state$.pipe(take(1), toArray()));
    expect(states).toEqual(['closed']);
  });
});
