import { firstValueFrom, lastValueFrom, merge, map, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError, RequestTimeoutError } from '../../src/core/errors.js';
import { MisskeyApiError } from '../../src/misskey/index.js';
import { duringOutage, Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('api() over the legacy stream', () => {
  it('correlates 1,000 concurrent requests answered in shuffled order', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const notes = Array.from({ length: 1000 }, (_, i) => emulator.createNote('admin', { text: `note ${i}` }));
    const client = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream' });
    emulator.holdStreamApi();
    const all = lastValueFrom(merge(...notes.map((n) => client.api('notes/show', { noteId: n.id }).pipe(map((shown) => [n.id, shown.id, shown.text])))).pipe(toArray()));
    await until(() => emulator.stats().heldStreamApi === 1000, '1000 requests held');
    emulator.releaseStreamApi({ shuffle: true });
    const answers = await all;
    expect(answers).toHaveLength(1000);
    for (const [asked, got] of answers) expect(got).toBe(asked);
    const ids = emulator.receivedOfType('api').map((f) => f['id']);
    expect(new Set(ids).size).toBe(1000);
    expect(emulator.apiCalls).toHaveLength(0);
  });

  it('maps stream API errors like HTTP ones', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const client = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream' });
    const error = await firstValueFrom(client.api('notes/show', { noteId: 'nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MisskeyApiError);
    expect(error).toMatchObject({ errorCode: 'NO_SUCH_NOTE', errorId: '24fcbfc6-2e37-42b6-8388-c29b3861a08d' });
    const anonymous = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream', token: undefined });
    expect(await firstValueFrom(anonymous.api('i')).catch((e: unknown) => e)).toBeInstanceOf(AuthenticationError);
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'over the socket' }));
    expect(createdNote.text).toBe('over the socket');
  });

  it('fails pending requests with ConnectionLostError on a drop and never re-sends them', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const client = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream' });
    const timeline = rig.record(client.channel('localTimeline'));
    emulator.holdStreamApi();
    const pending = Array.from({ length: 10 }, (_, i) => firstValueFrom(client.api('notes/create', { text: `n${i}` })).catch((e: unknown) => e));
    await until(() => emulator.stats().heldStreamApi === 10, 'requests held');
    emulator.dropConnections();
    const errors = await Promise.all(pending);
    expect(errors.every((e) => e instanceof ConnectionLostError)).toBe(true);
    await until(() => emulator.stats().upgrades === 2 && emulator.stats().connections === 1 && emulator.stats().channels === 1, 'reconnected');
    const note = emulator.createNote('alice', { text: 'after the drop' });
    expect((await timeline.count(1))[0]?.body.id).toBe(note.id);
    expect(emulator.receivedOfType('api')).toHaveLength(10);
    expect(emulator.stats().heldStreamApi).toBe(10);
  });

  it('times out a request that gets no answer', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const client = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream', streamApiTimeout: 30 });
    emulator.holdStreamApi();
    expect(await firstValueFrom(client.api('i')).catch((e: unknown) => e)).toBeInstanceOf(RequestTimeoutError);
  });

  it('sends requests made while disconnected after the channels and captures of the new socket', async () => {
    const emulator = await rig.emulator({ protocol: 'legacy' });
    const client = rig.client(emulator, { protocol: 'legacy', apiTransport: 'stream' });
    const note = emulator.createNote('admin', { text: 'captured' });
    rig.record(client.channel('localTimeline'));
    rig.record(client.noteUpdates(note.id));
    await until(() => emulator.stats().channels === 1 && emulator.stats().captures === 1, 'subscribed');
    let before = 0;
    const request = await duringOutage(emulator, client, () => {
      before = emulator.received.length;
      return firstValueFrom(client.api('i'));
    });
    expect((await request).username).toBe('admin');
    const order = emulator.received.slice(before).map((f) => (f as { type: string }).type);
    expect(order).toEqual(['connect', 'capture', 'api']);
  });

  it('refuses the stream transport on the current protocol', async () => {
    const emulator = await rig.emulator();
    const error = await firstValueFrom(rig.client(emulator).api('i', undefined, { transport: 'stream' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});
