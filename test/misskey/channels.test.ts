import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelRejectedError } from '../../src/core/errors.js';
import { misskey } from '../../src/misskey/index.js';
import { fastClient, reach, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('channel()', () => {
  it('routes notes to the right subscribers with several channels open on one socket', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    // the 20 identical localTimeline subscriptions share one server channel
    const locals = Array.from({ length: 20 }, () => rig.record(client.channel('localTimeline')));
    const home = rig.record(client.channel('homeTimeline'));
    const main = rig.record(client.channel('main'));
    await until(() => emulator.stats().channels === 3, '3 channels');
    expect(emulator.stats().connections).toBe(1);
    const connects = emulator.receivedOfType('connect');
    expect(connects).toHaveLength(3);
    expect(connects.every((c) => (c.body as { pong?: boolean }).pong === true)).toBe(true);

    const publicNote = emulator.createNote('alice', { text: 'public' });
    const homeOnly = emulator.createNote('admin', { text: 'home only', visibility: 'home' });
    for (const local of locals) {
      const [message] = await local.count(1);
      expect(message).toMatchObject({ type: 'note', body: { id: publicNote.id, text: 'public' } });
    }
    const homeMessages = await home.count(1);
    expect(homeMessages.map((m) => m.body.id)).toEqual([homeOnly.id]);
    expect(locals.every((l) => l.values.length === 1)).toBe(true);

    emulator.emit('main', 'readAllNotifications', undefined);
    const [mainMessage] = await main.count(1);
    expect(mainMessage?.type).toBe('readAllNotifications');
    expect(client.stats().malformedFrames).toBe(0);
  });

  it('shares one connection of a shouldShare channel between subscribers', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const a = rig.record(client.channel('main'));
    const b = rig.record(client.channel('main'));
    await until(() => emulator.stats().channels === 1, 'main connected');
    emulator.emit('main', 'meUpdated', { id: 'x' });
    await a.count(1);
    await b.count(1);
    expect(emulator.receivedOfType('connect')).toHaveLength(1);
  });

  it('sends ch messages once the channel is acknowledged', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const requests = new Subject<{ type: 'requestLog'; body: { id: string; length: number } }>();
    const stats = rig.record(client.channel('serverStats', undefined, { send$: requests }));
    requests.next({ type: 'requestLog', body: { id: 'a', length: 10 } });
    const [log] = await stats.count(1);
    expect(log).toMatchObject({ type: 'statsLog', body: [] });
    const ch = emulator.receivedOfType('ch');
    expect(ch).toHaveLength(1);
    expect(ch[0]?.body).toMatchObject({ type: 'requestLog', body: { id: 'a', length: 10 } });
  });

  it('reports a silently rejected connect as ChannelRejectedError', async () => {
    const emulator = await rig.emulator();
    const anonymous = misskey({ origin: emulator.origin, ...fastClient, ackTimeout: 400 });
    const home = rig.record(anonymous.channel('homeTimeline'));
    const unknown = rig.record(anonymous.channel('noSuchChannel' as 'localTimeline'));
    const local = rig.record(anonymous.channel('localTimeline'));
    expect(await home.done()).toBeInstanceOf(ChannelRejectedError);
    expect(await unknown.done()).toBeInstanceOf(ChannelRejectedError);
    expect((home.error as ChannelRejectedError).channel).toBe('homeTimeline');
    const note = emulator.createNote('alice', { text: 'still flowing' });
    const [message] = await local.count(1);
    expect(message?.body.id).toBe(note.id);
  });

  it('detects a per-socket channel cap', async () => {
    const emulator = await rig.emulator({ maxChannelsPerConnection: 2 });
    const client = rig.client(emulator, { ackTimeout: 400 });
    const first = rig.record(client.channel('localTimeline'));
    const second = rig.record(client.channel('globalTimeline'));
    await until(() => emulator.stats().channels === 2, 'two channels');
    const third = rig.record(client.channel('hybridTimeline'));
    expect(await third.done()).toBeInstanceOf(ChannelRejectedError);
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
  });

  it('disconnects on unsubscribe and closes the socket after the grace period', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const states: string[] = [];
    client.state$.subscribe((s) => states.push(s));
    const sub1 = client.channel('localTimeline').subscribe();
    const sub2 = client.channel('homeTimeline').subscribe();
    await reach(client.state$, 'open');
    await until(() => emulator.stats().channels === 2, 'two channels');
    sub1.unsubscribe();
    await until(() => emulator.stats().channels === 1, 'one channel left');
    expect(emulator.receivedOfType('disconnect')).toHaveLength(1);
    sub2.unsubscribe();
    await reach(client.state$, 'closed');
    await until(() => emulator.stats().connections === 0, 'socket closed');
    expect(emulator.stats()).toMatchObject({ channels: 0, noteSubscriptions: 0 });
    expect(states).toEqual(['closed', 'connecting', 'open', 'closed']);
  });

  it('opens nothing before subscribe', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    client.channel('localTimeline');
    client.noteUpdates('x');
    client.api('i');
    await new Promise((resolve) => setImmediate(resolve));
    expect(emulator.stats().streamRequests).toBe(0);
    expect(emulator.apiCalls).toHaveLength(0);
  });
});
