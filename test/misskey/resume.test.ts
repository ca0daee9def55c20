import { filter, firstValueFrom, map, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import type { FetchLike, GapFill } from '../../src/misskey/index.js';
import { duringOutage, Rig } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const ids = (messages: Array<{ type: string; body: unknown }>) => messages.map((m) => (m.body as { id: string }).id);

const noteTexts = (messages: Array<{ body: unknown }>) => messages.map((m) => (m.body as { note?: { text?: string } }).note?.text);

/**
 * A client whose shared `main` channel is acknowledged (a first subscription resumed from `cursor`), with
 * one mention ('@admin missed') after `cursor`; `fills` records its gap-fills.
 */
async function acknowledgedMainAfterAMention() {
  const emulator = await rig.emulator();
  emulator.createNote('alice', { text: '@admin first' });
  const client = rig.client(emulator);
  const [cursor] = await firstValueFrom(client.api('i/notifications', { limit: 1 }).pipe(map((list) => list.map((n) => n.id))));
  emulator.createNote('alice', { text: '@admin missed' });
  const fills: GapFill[] = [];
  client.gapFills$.subscribe((fill) => fills.push(fill));
  rig.record(client.channel('main', undefined, { resumeFrom: cursor }));
  await emulator.waitFor(() => fills.length === 1);
  return { emulator, client, cursor, fills };
}

describe('Misskey resume from a stored cursor', () => {
  it('replays a timeline after the stored note id over HTTP pages, then continues live, each note once', async () => {
    const emulator = await rig.emulator();
    const cursor = emulator.createNote('alice', { text: 'handled before the restart' }).id;
    const missed = Array.from({ length: 7 }, (_, i) => emulator.createNote('alice', { text: `missed ${i}` }).id);
    const client = rig.client(emulator, { gapFill: { limit: 3, maxPages: 10 } });
    const fills: GapFill[] = [];
    client.gapFills$.subscribe((fill) => fills.push(fill));
    const notes = rig.record(client.channel('localTimeline', {}, { resumeFrom: cursor }).pipe(filter((m) => m.type === 'note')));
    await notes.count(7);
    const live = emulator.createNote('alice', { text: 'live' }).id;
    await notes.count(8);
    expect(ids(notes.values)).toEqual([...missed, live]);
    expect(fills).toEqual([{ channel: 'localTimeline', reason: 'resume', sinceId: cursor, fetched: 7, replayed: 7, pages: 3, complete: true }]);
  });

  it('holds live notes during the replay and skips those the replay delivered (no gap, no duplicate at the seam)', async () => {
    const emulator = await rig.emulator();
    const cursor = emulator.createNote('alice', { text: 'cursor' }).id;
    const missed = emulator.createNote('alice', { text: 'missed' }).id;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    const heldFetch: FetchLike = async (url, init) => {
      requested = true;
      await released;
      return fetch(url, init as RequestInit) as never;
    };
    const client = rig.client(emulator, { fetch: heldFetch });
    const notes = rig.record(client.channel('localTimeline', {}, { resumeFrom: cursor }).pipe(filter((m) => m.type === 'note')));
    const witness = rig.record(client.channel('localTimeline', { withReplies: true }).pipe(filter((m) => m.type === 'note')));
    await emulator.waitFor(() => requested && emulator.stats().channels === 2);
    // Created while the replay is on its way: live now, and in the replay's page.
    const both = emulator.createNote('alice', { text: 'live and replayed' }).id;
    // A plain subscription on the same socket: once it has the note, the resuming channel has it too (held).
    await witness.count(1);
    expect(notes.values).toEqual([]);
    release();
    await notes.count(2);
    const after = emulator.createNote('alice', { text: 'after' }).id;
    await notes.count(3);
    expect(ids(notes.values)).toEqual([missed, both, after]);
  });

  it('replays the main channel’s notifications after the stored id (i/notifications, newest first, paged back)', async () => {
    const emulator = await rig.emulator();
    emulator.createNote('alice', { text: '@admin first' });
    const client = rig.client(emulator, { gapFill: { limit: 2, maxPages: 10 } });
    const [cursor] = await firstValueFrom(client.api('i/notifications', { limit: 1 }).pipe(map((list) => list.map((n) => n.id))));
    for (let i = 0; i < 5; i++) emulator.createNote('alice', { text: `@admin missed ${i}` });
    const fills: GapFill[] = [];
    client.gapFills$.subscribe((fill) => fills.push(fill));
    const mentions = client.channel('main', undefined, { resumeFrom: cursor }).pipe(
      filter((m) => m.type === 'notification'),
      map((m) => (m.body as { note?: { text?: string } }).note?.text),
      take(6),
      toArray(),
    );
    const all = firstValueFrom(mentions);
    await emulator.waitFor(() => fills.length === 1);
    emulator.createNote('alice', { text: '@admin live' });
    expect(await all).toEqual(['@admin missed 0', '@admin missed 1', '@admin missed 2', '@admin missed 3', '@admin missed 4', '@admin live']);
    expect(fills[0]).toMatchObject({ channel: 'main', reason: 'resume', replayed: 5, complete: true });
  });

  it('replays for a main subscription that joins the shared main channel after it was acknowledged', async () => {
    const { emulator, client, cursor, fills } = await acknowledgedMainAfterAMention();
    const joined = rig.record(client.channel('main', undefined, { resumeFrom: cursor }).pipe(filter((m) => m.type === 'notification')));
    await emulator.waitFor(() => fills.length === 2);
    emulator.createNote('alice', { text: '@admin live' });
    expect(noteTexts(await joined.count(2))).toEqual(['@admin missed', '@admin live']);
    expect(fills[1]).toMatchObject({ channel: 'main', reason: 'resume', replayed: 1 });
  });

  it('replays for a main subscription that joins the shared main channel while it reconnects', async () => {
    const { emulator, client, cursor, fills } = await acknowledgedMainAfterAMention();
    const joined = await duringOutage(emulator, client, () =>
      rig.record(client.channel('main', undefined, { resumeFrom: cursor }).pipe(filter((m) => m.type === 'notification'))),
    );
    await emulator.waitFor(() => fills.filter((fill) => fill.reason === 'resume').length === 2);
    emulator.createNote('alice', { text: '@admin live' });
    expect(noteTexts(await joined.count(2))).toEqual(['@admin missed', '@admin live']);
  });

  it('reports an incomplete replay when more was missed than maxPages fetch', async () => {
    const emulator = await rig.emulator();
    const cursor = emulator.createNote('alice', { text: 'cursor' }).id;
    for (let i = 0; i < 5; i++) emulator.createNote('alice', { text: `missed ${i}` });
    const client = rig.client(emulator, { gapFill: { limit: 2, maxPages: 1 } });
    const fills: GapFill[] = [];
    client.gapFills$.subscribe((fill) => fills.push(fill));
    const notes = rig.record(client.channel('localTimeline', {}, { resumeFrom: cursor }));
    await notes.count(2);
    expect(fills).toEqual([expect.objectContaining({ reason: 'resume', replayed: 2, complete: false })]);
  });

  it('rejects resumeFrom on a channel without an HTTP timeline', async () => {
    const emulator = await rig.emulator();
    const error = await firstValueFrom(rig.client(emulator).channel('drive', undefined, { resumeFrom: 'x' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});
