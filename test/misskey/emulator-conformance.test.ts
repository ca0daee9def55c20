import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Rig, until } from './helpers.js';

/** Holds the emulator's frames against Misskey 2026.3.2 (fact sheet §9; the captured session is a copy of shared/reference/misskey-capture-2026.3.2.json). */
const capture = JSON.parse(readFileSync(new URL('./fixtures/misskey-capture-2026.3.2.json', import.meta.url), 'utf8')) as {
  steps: Array<{ step: string; http: { status: number; body: Record<string, unknown> }; frames: Array<{ to: string; frame: { type: string; body: { id: string; type: string; body: Record<string, unknown> } } }> }>;
};
const step = (name: string) => capture.steps.find((s) => s.step === name) as (typeof capture.steps)[number];

const rig = new Rig();
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.terminate();
  await rig.dispose();
});

type Frame = { type: string; body: { id: string; type?: string; body?: Record<string, unknown> } };

async function rawSocket(port: number, token?: string): Promise<{ ws: WebSocket; frames: Frame[]; send(frame: unknown): void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/streaming${token ? `?i=${token}` : ''}`);
  sockets.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, frames, send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) };
}

async function post(origin: string, endpoint: string, body: unknown): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${origin}/api/${endpoint}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

describe('emulator conformance with Misskey 2026.3.2', () => {
  it('replays the §9 session frame for frame', async () => {
    const emulator = await rig.emulator();
    const admin = await rawSocket(emulator.port, 'admin-token');
    admin.send({ type: 'connect', body: { channel: 'homeTimeline', id: 'c1' } });
    admin.send({ type: 'connect', body: { channel: 'main', id: 'm1', pong: true } });
    await until(() => admin.frames.length === 1, 'ack');
    expect(admin.frames).toEqual([{ type: 'connected', body: { id: 'm1' } }]);

    const created = await post(emulator.origin, 'notes/create', { i: 'admin-token', text: 'hello from admin #streamrx' });
    expect(created.status).toBe(200);
    const createdNote = (created.body as { createdNote: Record<string, unknown> }).createdNote;
    const real = step('admin posts a public note');
    expect(Object.keys(createdNote).sort()).toEqual(Object.keys((real.http.body as { createdNote: object }).createdNote).sort());
    await until(() => admin.frames.length === 2, 'note frame');
    const noteFrame = admin.frames[1] as Frame;
    const realFrame = real.frames.find((f) => f.to === 'admin' && f.frame.body.id === 'a-home')?.frame;
    expect({ type: noteFrame.type, id: noteFrame.body.id, event: noteFrame.body.type }).toEqual({ type: 'channel', id: 'c1', event: 'note' });
    expect(Object.keys(noteFrame.body.body ?? {})).toEqual(Object.keys(realFrame?.body.body ?? {}));
    expect(Object.keys((noteFrame.body.body as { user: object }).user).sort()).toEqual(Object.keys((realFrame?.body.body as { user: object }).user).sort());

    admin.send({ type: 'api', id: 'x', endpoint: 'notes/create', data: { text: 'flat' } });
    admin.send({ type: 'api', body: { id: 'y', ep: 'notes/create', data: { text: 'body shape' } } });
    const noteId = createdNote['id'] as string;
    admin.send({ type: 'subNote', body: { id: noteId } });
    await until(() => emulator.stats().noteSubscriptions === 1, 'subscribed');
    expect((await post(emulator.origin, 'notes/reactions/create', { i: 'alice-token', noteId, reaction: '👍' })).status).toBe(204);
    await until(() => admin.frames.length === 4, 'reacted + notification');
    expect(admin.frames[2]).toEqual({ type: 'noteUpdated', body: { id: noteId, type: 'reacted', body: { reaction: '👍', emoji: null, userId: emulator.users['alice']?.id } } });
    expect(admin.frames[3]).toMatchObject({ type: 'channel', body: { id: 'm1', type: 'notification', body: { type: 'reaction', reaction: '👍' } } });

    admin.send({ type: 's', body: { id: noteId } });
    await until(() => emulator.stats().noteReferences === 2, 'second reference');
    expect((await post(emulator.origin, 'notes/reactions/delete', { i: 'alice-token', noteId })).status).toBe(204);
    await until(() => admin.frames.length === 5, 'unreacted');
    expect(admin.frames[4]).toEqual({ type: 'noteUpdated', body: { id: noteId, type: 'unreacted', body: { reaction: '👍', userId: emulator.users['alice']?.id } } });

    const deletion = post(emulator.origin, 'notes/delete', { i: 'admin-token', noteId });
    await until(() => admin.frames.length === 6, 'deleted');
    expect(admin.frames[5]).toMatchObject({ type: 'noteUpdated', body: { id: noteId, type: 'deleted', body: { deletedAt: expect.any(String) } } });
    expect((await deletion).status).toBe(204);
    const timeline = await post(emulator.origin, 'notes/timeline', { i: 'admin-token' });
    expect(timeline.body).toEqual([]);
    expect(admin.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('matches the captured noteUpdated shapes for reactions, votes and deletions', async () => {
    const emulator = await rig.emulator();
    const admin = await rawSocket(emulator.port, 'admin-token');
    const poll = emulator.createNote('admin', { text: 'poll?', cw: 'a cw', poll: { choices: ['yes', 'no'] } });
    expect(Object.keys(poll).sort()).toEqual(Object.keys((step('admin posts a poll with cw').http.body as { createdNote: object }).createdNote).sort());
    admin.send({ type: 'subNote', body: { id: poll.id } });
    await until(() => emulator.stats().noteSubscriptions === 1, 'subscribed');
    emulator.react(poll.id, 'alice', '🎉');
    emulator.vote(poll.id, 'alice', 0);
    emulator.deleteNote(poll.id);
    await until(() => admin.frames.length === 3, 'three updates');
    const shape = (f: { type: string; body: { type?: string; body?: object } }) => [f.type, f.body.type, Object.keys(f.body.body ?? {}).sort()];
    const realUpdates = capture.steps.flatMap((s) => s.frames.filter((f) => f.to === 'admin' && f.frame.type === 'noteUpdated').map((f) => shape(f.frame)));
    expect(admin.frames.map(shape)).toEqual(realUpdates);
  });

  it('rejects silently, ignores junk, and answers errors as 2026.3.2 does', async () => {
    const emulator = await rig.emulator();
    const anonymous = await rawSocket(emulator.port);
    anonymous.send({ type: 'connect', body: { channel: 'homeTimeline', id: 'h', pong: true } });
    anonymous.send({ type: 'connect', body: { channel: 'noSuchChannel', id: 'n', pong: true } });
    anonymous.send({ type: 'connect', body: { channel: 'localTimeline', id: 'l', pong: true, params: { withReplies: 'nope' } } });
    for (const junk of ['not json', '{"type":1}', '{"type":"connect"}', 'h']) anonymous.send(junk);
    await until(() => anonymous.frames.length === 1, 'one ack');
    expect(anonymous.frames).toEqual([{ type: 'connected', body: { id: 'l' } }]);
    expect(anonymous.ws.readyState).toBe(WebSocket.OPEN);

    const refused = await new Promise<{ status: number; auth: string | undefined }>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${emulator.port}/streaming?i=wrong`);
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, auth: res.headers['www-authenticate'] });
        ws.terminate();
      });
      ws.on('error', () => undefined);
    });
    expect(refused).toEqual({ status: 401, auth: 'Bearer realm="Misskey", error="invalid_token", error_description="Failed to authenticate"' });

    expect(await post(emulator.origin, 'notes/show', { noteId: 'nope' })).toMatchObject({
      status: 400,
      body: { error: { message: 'No such note.', code: 'NO_SUCH_NOTE', id: '24fcbfc6-2e37-42b6-8388-c29b3861a08d', kind: 'client' } },
    });
    expect(await post(emulator.origin, 'i', { i: 'wrong' })).toMatchObject({ status: 401, body: { error: { code: 'AUTHENTICATION_FAILED', id: 'b0a7f5f8-dc2f-4171-b91f-de88ad238e14' } } });
    expect(await post(emulator.origin, 'notes/local-timeline', { limit: 101 })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_PARAM', id: '3d81ceae-475f-4600-b2a8-2bc116157532', info: { param: '#/properties/limit/maximum', reason: 'must be <= 100' } } },
    });
    expect(await post(emulator.origin, 'no/such/endpoint', {})).toEqual({
      status: 404,
      headers: expect.anything(),
      body: { message: 'Route POST:/api/no/such/endpoint not found', error: 'Not Found', statusCode: 404 },
    });
    emulator.rateLimitNext(1, { endpoint: 'notes/reactions/delete', retryAfterSeconds: 3 });
    const limited = await post(emulator.origin, 'notes/reactions/delete', { i: 'alice-token', noteId: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    expect(limited.body).toMatchObject({ error: { code: 'RATE_LIMIT_EXCEEDED', id: 'd5826d14-3982-4d2e-8011-b9e9f02499ef', kind: 'client' } });
  });

  it('pages timelines like 2026.3.2: ascending after sinceId, newest first otherwise', async () => {
    const emulator = await rig.emulator();
    const notes = Array.from({ length: 5 }, (_, i) => emulator.createNote('alice', { text: `n${i}` }));
    const ids = (body: unknown) => (body as Array<{ id: string }>).map((n) => n.id);
    expect(ids((await post(emulator.origin, 'notes/local-timeline', { sinceId: notes[0]?.id, limit: 2 })).body)).toEqual([notes[1]?.id, notes[2]?.id]);
    expect(ids((await post(emulator.origin, 'notes/local-timeline', { limit: 2 })).body)).toEqual([notes[4]?.id, notes[3]?.id]);
    expect(ids((await post(emulator.origin, 'notes/local-timeline', { untilId: notes[2]?.id })).body)).toEqual([notes[1]?.id, notes[0]?.id]);
  });
});
