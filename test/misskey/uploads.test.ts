import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { firstValueFrom, lastValueFrom, switchMap, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError } from '../../src/core/errors.js';
import { misskey, MisskeyApiError, uploadedDriveFile, type DriveUploadEvent } from '../../src/misskey/index.js';
import { fastClient, Rig, failure } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

/** Bytes a server takes for a PNG of `width`×`height`: the signature and IHDR, then `size` bytes in all. */
function png(size: number, width = 640, height = 480): Uint8Array {
  const bytes = randomBytes(Math.max(size, 24));
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(bytes, 0);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const uploaded = (events: DriveUploadEvent[]) => events.flatMap((e) => (e.phase === 'completed' ? [e.file] : []));
const progress = (events: DriveUploadEvent[]) => events.flatMap((e) => (e.phase === 'uploading' ? [e] : []));

describe('uploads to the drive (drive/files/create, multipart)', () => {
  it('uploads 10 MB byte-exact with progress, and the file id works in notes/create', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const bytes = png(10 * 1024 * 1024);
    const events = await lastValueFrom(client.uploadFile(bytes, { name: 'big.png' }).pipe(toArray()));
    const [file] = uploaded(events);
    expect(file).toMatchObject({ md5: md5(bytes), size: bytes.length, type: 'image/png', name: 'big.png', properties: { width: 640, height: 480 } });
    const steps = progress(events);
    const total = steps[0]?.totalBytes ?? 0;
    expect(total).toBeGreaterThan(bytes.length); // the whole multipart body
    expect(steps.map((s) => s.sentBytes)).toEqual([...steps.map((s) => s.sentBytes)].sort((a, b) => a - b));
    expect(steps.at(-1)).toEqual({ phase: 'uploading', sentBytes: total, totalBytes: total });
    expect(events.at(-1)).toMatchObject({ phase: 'completed', sentBytes: total, totalBytes: total });
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'with a picture', fileIds: [file!.id] }));
    expect(createdNote.fileIds).toEqual([file!.id]);
    expect(createdNote.files?.[0]).toMatchObject({ id: file!.id, md5: md5(bytes) });
  });

  it('composes upload then note with uploadedDriveFile()', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const note$ = client.uploadFile(png(50)).pipe(uploadedDriveFile(), switchMap((file) => client.api('notes/create', { text: 'look', fileIds: [file.id] })));
    const { createdNote } = await lastValueFrom(note$);
    expect(createdNote.files).toHaveLength(1);
  });

  it('takes a Blob, a sized stream, and works through an injected fetch', async () => {
    const emulator = await rig.emulator();
    const bytes = png(300_000);
    const viaFetch = rig.client(emulator, { fetch: globalThis.fetch as never });
    const chunks = () => Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]);
    const fromBlob = await firstValueFrom(rig.client(emulator).api('drive/files/create', { file: new Blob([bytes], { type: 'image/png' }) }));
    const fromStream = await firstValueFrom(rig.client(emulator).api('drive/files/create', { file: { stream: chunks(), size: bytes.length } }));
    const events = await lastValueFrom(viaFetch.uploadFile({ stream: chunks(), size: bytes.length }).pipe(toArray()));
    expect([fromBlob.md5, fromStream.md5, uploaded(events)[0]?.md5]).toEqual([md5(bytes), md5(bytes), md5(bytes)]);
    expect(progress(events).at(-1)?.sentBytes).toBe(progress(events)[0]?.totalBytes);
    // the same bytes by the same user are the same file
    expect(new Set([fromBlob.id, fromStream.id, uploaded(events)[0]?.id]).size).toBe(1);
    expect(emulator.stats()).toMatchObject({ driveFiles: 1, uploads: 3 });
  });

  it('sends the other params as fields: names with quotes and non-ASCII, several fields, an escaped file name', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const named = await firstValueFrom(client.api('drive/files/create', { file: png(100), name: '猫 "quoted"\r\n.png', comment: 'alt: ねこ', isSensitive: true, folderId: null }));
    expect(named).toMatchObject({ name: '猫 "quoted"\r\n.png', comment: 'alt: ねこ', isSensitive: true, folderId: null });
    const file = new File([png(101)], 'a "b"\nc.png', { type: 'image/png' });
    expect((await firstValueFrom(client.api('drive/files/create', { file }))).name).toBe('a %22b%22%0Ac.png');
    expect(emulator.apiCalls[0]?.params).toEqual({ file: { filename: 'blob', type: 'application/octet-stream', size: 100 }, name: '猫 "quoted"\r\n.png', comment: 'alt: ねこ', isSensitive: 'true' });
  });

  it('answers an empty file and random bytes with UNALLOWED_FILE_TYPE, never retried', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    for (const file of [new Uint8Array(0), randomBytes(1000)]) {
      const error = await failure(firstValueFrom(client.api('drive/files/create', { file })));
      expect(error).toBeInstanceOf(MisskeyApiError);
      expect(error).toMatchObject({ status: 400, errorCode: 'UNALLOWED_FILE_TYPE', errorId: '4becd248-7f2c-48c4-a9f0-75edc4f9a1ea' });
    }
    expect(emulator.apiCalls.map((c) => (c.params['file'] as { size: number }).size)).toEqual([0, 1000]);
    expect(emulator.stats().driveFiles).toBe(0);
  });

  it('refuses bad input with InvalidArgumentError before any request', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const bare = Readable.from([Buffer.from('x')]);
    expect(await failure(firstValueFrom(client.api('drive/files/create', { file: bare as never })))).toBeInstanceOf(InvalidArgumentError);
    expect(await failure(firstValueFrom(client.uploadFile('not a file' as never)))).toBeInstanceOf(InvalidArgumentError);
    expect(await failure(firstValueFrom(client.uploadFile({ stream: bare, size: -1 })))).toBeInstanceOf(InvalidArgumentError);
    expect(emulator.stats().calls).toBe(0);
  });

  it('fails a stream shorter than its stated size with InvalidArgumentError and stores nothing', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const bytes = png(5000);
    const error = await failure(lastValueFrom(client.uploadFile({ stream: Readable.from([bytes]), size: bytes.length + 10 })));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain('ended after 5000 of its stated 5010 bytes');
    await lastValueFrom(client.uploadFile(bytes));
    expect(emulator.stats()).toMatchObject({ driveFiles: 1, uploads: 1 }); // only the second one arrived whole
  });

  it('aborts the upload on unsubscribe: the emulator stores nothing, the stream is destroyed', async () => {
    const emulator = await rig.emulator();
    const stream = new PassThrough();
    const bytes = png(1024 * 1024);
    stream.write(bytes.subarray(0, 64 * 1024));
    const upload = rig.record(rig.client(emulator).uploadFile({ stream, size: bytes.length }));
    await upload.count(1); // the first bytes went out; the rest never comes
    rig.subscriptions.at(-1)?.unsubscribe();
    await emulator.waitFor(() => emulator.stats().abortedUploads === 1, 'the emulator saw the upload abandoned');
    expect(emulator.stats()).toMatchObject({ driveFiles: 0, uploads: 0 });
    expect(stream.destroyed).toBe(true);
    expect(upload.values.every((e) => e.phase === 'uploading')).toBe(true);
  });

  it('destroys the stream of an upload unsubscribed while it waits for a rate limit, before any request', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { http: { rateLimits: { 'drive/files/create': [{ limit: 1, window: 60_000 }] } } });
    await lastValueFrom(client.uploadFile(png(1024)));
    const stream = new PassThrough();
    const waiting = client.uploadFile({ stream, size: 1024 }).subscribe({ error: () => undefined });
    expect(client.rateLimits.state().queued).toBe(1);
    waiting.unsubscribe();
    expect(stream.destroyed).toBe(true);
  });

  it('retries a replayable upload after a 5xx (the server de-duplicates the bytes), but never one from a stream', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const bytes = png(2000);
    emulator.failNext(1, { endpoint: 'drive/files/create', code: 503 });
    const events = await lastValueFrom(client.uploadFile(bytes).pipe(toArray()));
    expect(uploaded(events)[0]?.md5).toBe(md5(bytes));
    expect(progress(events).filter((p) => p.sentBytes === p.totalBytes)).toHaveLength(2); // once per attempt
    emulator.failNext(1, { endpoint: 'drive/files/create', code: 503 });
    const error = await failure(lastValueFrom(client.uploadFile({ stream: Readable.from([bytes]), size: bytes.length })));
    expect(error).toMatchObject({ status: 503 });
    expect(emulator.apiCalls.map((c) => c.status)).toEqual([503, 200, 503]);
  });

  it('keeps the token out of every error', async () => {
    const emulator = await rig.emulator();
    const token = 'secret-upload-token-42';
    const client = misskey({ origin: emulator.origin, token, ...fastClient });
    const refused = await failure(lastValueFrom(client.uploadFile(png(100))));
    expect(refused).toBeInstanceOf(AuthenticationError);
    const short = await failure(lastValueFrom(client.uploadFile({ stream: Readable.from([Buffer.from('ab')]), size: 3 })));
    const origin = emulator.origin;
    await emulator.close();
    const gone = await failure(lastValueFrom(misskey({ origin, token, ...fastClient }).uploadFile(png(100))));
    expect(gone).toBeInstanceOf(ConnectionLostError);
    for (const error of [refused, short, gone]) {
      expect(`${String(error)} ${JSON.stringify(error)} ${String((error as Error).cause)}`).not.toContain(token);
    }
  });

  it('answers an anonymous upload with CREDENTIAL_REQUIRED (400, as observed)', async () => {
    const emulator = await rig.emulator();
    const error = await failure(lastValueFrom(misskey({ origin: emulator.origin, ...fastClient }).uploadFile(png(100))));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).cause).toMatchObject({ status: 400, errorCode: 'CREDENTIAL_REQUIRED' });
  });
});
