import { afterEach, describe, expect, it } from 'vitest';
import { Rig } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const GIF = Buffer.from('GIF89a\x02\x00\x03\x00\x00\x00\x00;', 'latin1');

async function call(origin: string, endpoint: string, init: { body: string | FormData; headers?: Record<string, string> }) {
  const res = await fetch(`${origin}/api/${endpoint}`, { method: 'POST', ...init });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>) };
}

const form = (fields: Record<string, string>, file?: Buffer) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.append(k, v);
  if (file) data.append('file', new Blob([file], { type: 'application/octet-stream' }), 'pic.gif');
  return data;
};

describe('the Misskey emulator\'s drive and limits, as observed on 2026.3.2', () => {
  it('stores a browser FormData upload (token as Bearer), sniffing the type, and attaches it to a note only for its owner', async () => {
    const emulator = await rig.emulator();
    const stored = await call(emulator.origin, 'drive/files/create', { body: form({}, GIF), headers: { Authorization: 'Bearer admin-token' } });
    expect(stored).toMatchObject({ status: 200, body: { type: 'image/gif', name: 'pic.gif', size: GIF.length, properties: { width: 2, height: 3 } } });
    const id = stored.body?.['id'] as string;
    const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
    const note = await call(emulator.origin, 'notes/create', json({ i: 'admin-token', fileIds: [id] }));
    expect((note.body?.['createdNote'] as { files: Array<{ id: string }> }).files.map((f) => f.id)).toEqual([id]);
    const stolen = await call(emulator.origin, 'notes/create', json({ i: 'alice-token', text: 'x', fileIds: [id] }));
    expect(stolen).toMatchObject({ status: 400, body: { error: { code: 'NO_SUCH_FILE' } } });
    expect(await call(emulator.origin, 'drive/files/create', json({ i: 'admin-token' }))).toEqual(expect.objectContaining({ status: 400, body: undefined }));
    expect(await call(emulator.origin, 'drive/files/create', { body: form({}, GIF) })).toMatchObject({ status: 400, body: { error: { code: 'CREDENTIAL_REQUIRED' } } });
  });

  it('answers a call over a configured limit with 429, Retry-After and info { remaining, reset, resetMs, total } on its clock', async () => {
    let now = 1_795_788_879_818;
    const emulator = await rig.emulator({ rateLimits: { 'notes/reactions/delete': [{ limit: 1, window: 3000 }] }, now: () => now });
    const body = form({ i: 'alice-token', noteId: emulator.createNote('admin', { text: 'n' }).id });
    const first = await call(emulator.origin, 'notes/reactions/delete', { body });
    expect(first.status).not.toBe(429);
    const second = await call(emulator.origin, 'notes/reactions/delete', { body });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('3');
    expect(second.body).toEqual({
      error: {
        message: 'Rate limit exceeded. Please try again later.',
        code: 'RATE_LIMIT_EXCEEDED',
        id: 'd5826d14-3982-4d2e-8011-b9e9f02499ef',
        kind: 'client',
        info: { remaining: 0, reset: 1_795_788_882, resetMs: 1_795_788_882_818, total: 1 },
      },
    });
    now += 3000;
    expect((await call(emulator.origin, 'notes/reactions/delete', { body })).status).not.toBe(429);
  });
});
