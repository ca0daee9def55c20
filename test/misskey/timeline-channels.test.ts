import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MisskeyEmulator } from '../../src/testing/misskey/index.js';
import { duringOutage, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

interface TimelineCase {
  channel: string;
  endpoint: string;
  /** The channel's params, creating what they name. */
  params(emulator: MisskeyEmulator): Record<string, unknown>;
  /** The endpoint's params for those channel params (besides the page). */
  endpointParams(params: Record<string, unknown>): Record<string, unknown>;
  /** Posts a note that belongs on the timeline. */
  post(emulator: MisskeyEmulator, text: string, params: Record<string, unknown>): { id: string };
  /** Posts a note that does not. */
  other(emulator: MisskeyEmulator, params: Record<string, unknown>): void;
}

const cases: TimelineCase[] = [
  {
    channel: 'userList',
    endpoint: 'notes/user-list-timeline',
    params: (e) => ({ listId: e.createUserList('admin', ['alice']) }),
    endpointParams: (p) => ({ listId: p['listId'] }),
    post: (e, text) => e.createNote('alice', { text }),
    other: (e) => e.createNote('admin', { text: 'not by a list member' }),
  },
  {
    channel: 'antenna',
    endpoint: 'antennas/notes',
    params: (e) => ({ antennaId: e.createAntenna('admin', [['streamrx', 'misskey']]) }),
    endpointParams: (p) => ({ antennaId: p['antennaId'] }),
    post: (e, text) => e.createNote('alice', { text: `StreamRx on Misskey: ${text}` }),
    other: (e) => e.createNote('alice', { text: 'streamrx alone lacks the second keyword' }),
  },
  {
    channel: 'channel',
    endpoint: 'channels/timeline',
    params: (e) => ({ channelId: e.createChannel() }),
    endpointParams: (p) => ({ channelId: p['channelId'] }),
    post: (e, text, p) => e.createNote('alice', { text, channelId: p['channelId'] as string }),
    other: (e) => e.createNote('alice', { text: 'not in the channel' }),
  },
  {
    channel: 'roleTimeline',
    endpoint: 'roles/notes',
    params: (e) => ({ roleId: e.createRole(['alice']) }),
    endpointParams: (p) => ({ roleId: p['roleId'] }),
    post: (e, text) => e.createNote('alice', { text }),
    other: (e) => e.createNote('admin', { text: 'not by a role holder' }),
  },
  {
    channel: 'hashtag',
    endpoint: 'notes/search-by-tag',
    params: () => ({ q: [['streamrx'], ['rxjs', 'misskey']] }),
    endpointParams: (p) => ({ query: p['q'] }),
    post: (e, text) => e.createNote('alice', { text: `${text} #rxjs #Misskey` }),
    other: (e) => e.createNote('alice', { text: 'only #rxjs' }),
  },
];

describe.each(cases)('the $channel channel', (c) => {
  it(`delivers its notes live, and after a drop fetches the missed ones from ${c.endpoint}, in order and once`, async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const params = c.params(emulator);
    const fill = firstValueFrom(client.gapFills$);
    const timeline = rig.record(client.channel(c.channel as 'hashtag', params as never));
    await until(() => emulator.stats().channels === 1, 'connected');
    const first = c.post(emulator, 'n0', params);
    c.other(emulator, params);
    await timeline.count(1);

    const missed = await duringOutage(emulator, client, () => {
      c.other(emulator, params);
      return [1, 2, 3].map((i) => c.post(emulator, `missed ${i}`, params));
    });
    await until(() => emulator.stats().upgrades === 2 && emulator.stats().channels === 1, 'reconnected');
    c.other(emulator, params);
    const live = c.post(emulator, 'live', params);
    const messages = await timeline.count(5);

    expect(messages.map((m) => m.body.id)).toEqual([first.id, ...missed.map((n) => n.id), live.id]);
    expect(await fill).toMatchObject({ channel: c.channel, sinceId: first.id, pages: 1, complete: true });
    const fetch = emulator.apiCalls.find((call) => call.endpoint === c.endpoint);
    expect(fetch?.params).toEqual({ ...c.endpointParams(params), sinceId: first.id, limit: 100 });
  });
});

describe('timeline endpoints of the emulator', () => {
  it("answers a list, antenna, channel or role that is not there (or not the caller's) with Misskey's error", async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const alicesList = emulator.createUserList('alice', ['admin']);
    const calls = [
      client.api('notes/user-list-timeline', { listId: alicesList }),
      client.api('antennas/notes', { antennaId: 'none' }),
      client.api('channels/timeline', { channelId: 'none' }),
      client.api('roles/notes', { roleId: 'none' }),
    ];
    const codes = await Promise.all(calls.map((call) => firstValueFrom(call).catch((error: { errorCode?: string }) => error.errorCode)));
    expect(codes).toEqual(['NO_SUCH_LIST', 'NO_SUCH_ANTENNA', 'NO_SUCH_CHANNEL', 'NO_SUCH_ROLE']);
  });

  it('keeps channel notes off the main timelines', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const local = rig.record(client.channel('localTimeline'));
    await until(() => emulator.stats().channels === 1, 'connected');
    emulator.createNote('alice', { text: 'in a channel', channelId: emulator.createChannel() });
    const outside = emulator.createNote('alice', { text: 'outside' });
    expect((await local.count(1)).map((m) => m.body.id)).toEqual([outside.id]);
    const page = await firstValueFrom(client.api('notes/local-timeline', { limit: 10 }));
    expect(page.map((n) => n.id)).toEqual([outside.id]);
  });
});
