import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { asyncScheduler, firstValueFrom, last, lastValueFrom, of, switchMap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, InvalidArgumentError, RequestTimeoutError } from '../../src/core/errors.js';
import type { Mixi2Api } from '../../src/mixi2/api.js';
import { pollMediaStatus } from '../../src/mixi2/media-status-poll.js';
import {
  GetPostMediaStatusResponse_Status as MediaStatus,
  Mixi2MediaFailedError,
  PostMediaType,
  uploadedMediaId,
  type Mixi2UploadEvent,
} from '../../src/mixi2/index.js';
import { startWorld, until, type World } from './harness.js';
import { SteppedClock } from './stepped-clock.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const fastPolling = { polling: { initialDelay: 1, maxDelay: 2 } };
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const rpcCalls = (w: World, method: string) => w.emulator.calls.filter((c) => c.method === method);

describe('mixi2 client.uploadMedia against the emulator', () => {
  it('uploads 10 MB byte-exact, reporting progress, and ends with the media id', async () => {
    world = await startWorld();
    const bytes = randomBytes(10 * 1024 * 1024);
    const events = await lastValueFrom(world.client.uploadMedia({ data: bytes, contentType: 'image/png', description: 'noise' }, fastPolling).pipe(toArray()));
    const done = events.at(-1);
    expect(done).toMatchObject({ phase: 'completed', sentBytes: bytes.length, totalBytes: bytes.length });
    const media = world.emulator.store.media.get(done?.mediaId ?? '');
    expect(sha256(media?.bytes ?? new Uint8Array())).toBe(sha256(bytes));
    expect(media).toMatchObject({ contentType: 'image/png', uploadContentType: 'image/png', description: 'noise', mediaType: 1, status: MediaStatus.STATUS_COMPLETED });
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['initiating', 'uploading', 'processing', 'completed']);
    const sent = events.filter((e) => e.phase === 'uploading').map((e) => e.sentBytes);
    expect(sent.length).toBeGreaterThan(2);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
    expect(sent.at(-1)).toBe(bytes.length);
  });

  it('accepts a Blob, a Readable with its size, and a function returning a Readable', async () => {
    world = await startWorld();
    const bytes = randomBytes(300_000);
    const inputs = [
      { data: new Blob([bytes]), contentType: 'image/jpeg' },
      { data: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), size: bytes.length, contentType: 'image/jpeg' },
      { data: () => Readable.from([bytes]), size: bytes.length, contentType: 'video/mp4' },
    ];
    for (const input of inputs) {
      const mediaId = await lastValueFrom(world.client.uploadMedia(input, fastPolling).pipe(uploadedMediaId()));
      expect(sha256(world.emulator.store.media.get(mediaId)?.bytes ?? new Uint8Array())).toBe(sha256(bytes));
    }
    expect(world.emulator.store.media.get('media-emu-3')?.mediaType).toBe(2);
  });

  it('refuses sizes past the limits before any call', async () => {
    world = await startWorld();
    const cases = [
      { data: new Uint8Array(15_000_001), contentType: 'image/png' },
      { data: Readable.from([]), size: 50_000_001, contentType: 'video/mp4' },
      { data: Readable.from([]), contentType: 'video/mp4' },
      { data: new Uint8Array(0), contentType: 'image/png' },
      { data: new Uint8Array(10), size: 20, contentType: 'image/png' },
      { data: new Uint8Array(10), contentType: '' },
    ];
    for (const media of cases) {
      await expect(firstValueFrom(world.client.uploadMedia(media))).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    expect(world.emulator.calls).toHaveLength(0);
  });

  it('ends with Mixi2MediaFailedError when processing fails', async () => {
    world = await startWorld();
    world.emulator.failMediaProcessing();
    const error = await lastValueFrom(world.client.uploadMedia({ data: randomBytes(100), contentType: 'image/png' }, fastPolling)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Mixi2MediaFailedError);
    expect((error as Mixi2MediaFailedError).mediaId).toBe('media-emu-1');
  });

  it('keeps polling while processing is slow', async () => {
    world = await startWorld();
    world.emulator.slowMediaProcessing(5);
    const mediaId = await lastValueFrom(world.client.uploadMedia({ data: randomBytes(100), contentType: 'image/png' }, fastPolling).pipe(uploadedMediaId()));
    expect(mediaId).toBe('media-emu-1');
    expect(rpcCalls(world, 'GetPostMediaStatus')).toHaveLength(6);
  });

  it('starts over from Initiate once when the upload URL has expired, then gives up without leaking secrets', async () => {
    world = await startWorld();
    world.emulator.expireUploadUrls(1);
    const events = await lastValueFrom(world.client.uploadMedia({ data: randomBytes(1000), contentType: 'image/png' }, fastPolling).pipe(toArray()));
    expect(events.at(-1)).toMatchObject({ phase: 'completed', mediaId: 'media-emu-2' });
    expect(events.filter((e) => e.phase === 'initiating')).toHaveLength(2);
    expect(rpcCalls(world, 'InitiatePostMediaUpload')).toHaveLength(2);

    world.emulator.expireUploadUrls(2);
    const error = await lastValueFrom(world.client.uploadMedia({ data: randomBytes(1000), contentType: 'image/png' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
    expect(rpcCalls(world, 'InitiatePostMediaUpload')).toHaveLength(4);
    const token = world.emulator.calls.at(-1)?.token ?? 'no token';
    const shown = `${String(error)} ${(error as Error).stack ?? ''} ${JSON.stringify(error)}`;
    expect(shown).not.toContain(token);
    expect(shown).not.toContain('/upload/');
    expect(shown).not.toContain('127.0.0.1');
  });

  it('takes a fresh token when the upload URL refuses an expired one', async () => {
    world = await startWorld();
    const emulator = world.emulator;
    // As soon as Initiate has answered (synchronously, before the POST takes its token), the cached token is
    // invalidated: the POST gets 401 and is sent again with a fresh token.
    const errors: unknown[] = [];
    let expired = false;
    const subscription = world.client.uploadMedia({ data: randomBytes(1000), contentType: 'image/png' }, fastPolling).subscribe({
      next: (event) => {
        if (event.phase === 'uploading' && !expired) {
          expired = true;
          emulator.expireTokens();
        }
      },
      error: (e) => errors.push(e),
    });
    await until(() => subscription.closed, 'the upload ends');
    expect(errors).toEqual([]);
    expect(emulator.stats()).toMatchObject({ tokenRequests: 2, mediaUploads: 1 });
  });

  it('aborts the HTTP upload on unsubscribe, and polls no more', async () => {
    world = await startWorld();
    const body = new PassThrough();
    const events: Mixi2UploadEvent[] = [];
    const subscription = world.client.uploadMedia({ data: body, size: 1_000_000, contentType: 'image/png' }).subscribe((e) => events.push(e));
    await until(() => events.some((e) => e.phase === 'uploading'), 'the upload started');
    body.write(randomBytes(100_000));
    await until(() => events.some((e) => e.sentBytes > 0), 'some bytes sent');
    subscription.unsubscribe();
    await world.emulator.waitFor(() => world?.emulator.stats().abortedUploads === 1, 'the emulator sees the upload aborted');
    expect(world.emulator.stats().mediaUploads).toBe(0);
    expect(rpcCalls(world, 'GetPostMediaStatus')).toHaveLength(0);
  });

  it('stops polling on unsubscribe (virtual time: no timer is left)', async () => {
    const clock = new SteppedClock();
    world = await startWorld({ client: { rateLimits: { scheduler: clock.scheduler } } });
    world.emulator.slowMediaProcessing(1000);
    const events: Mixi2UploadEvent[] = [];
    const subscription = world.client.uploadMedia({ data: randomBytes(100), contentType: 'image/png' }, { scheduler: clock.scheduler }).subscribe((e) => events.push(e));
    await until(() => events.some((e) => e.phase === 'processing') && clock.pending === 1, 'the first poll is scheduled');
    clock.advance();
    await until(() => rpcCalls(world as World, 'GetPostMediaStatus').length === 1 && clock.pending === 1, 'the second poll is scheduled');
    subscription.unsubscribe();
    expect(clock.pending).toBe(0);
    expect(rpcCalls(world, 'GetPostMediaStatus')).toHaveLength(1);
  });

  it('posts with the media, and sends a chat message with it', async () => {
    world = await startWorld();
    const image = { data: randomBytes(500), contentType: 'image/png' };
    const { post } = await firstValueFrom(world.client.postWithMedia({ text: 'two cats', inReplyToPostId: 'post-hello' }, [image, image], fastPolling));
    expect(post?.text).toBe('two cats');
    expect(rpcCalls(world, 'CreatePost').at(-1)?.request).toMatchObject({ mediaIdList: ['media-emu-1', 'media-emu-2'], inReplyToPostId: 'post-hello' });
    // The post carries its media: images (random bytes: the MIME type is the upload's), served at their URL.
    const imageAt = (mediaId: string) => ({ mediaType: PostMediaType.POST_MEDIA_TYPE_IMAGE, content: { $case: 'image', value: expect.objectContaining({ largeImageUrl: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/media/${mediaId}$`)), largeImageMimeType: 'image/png' }) } });
    expect(post?.postMediaList).toEqual([imageAt('media-emu-1'), imageAt('media-emu-2')]);
    const served = await fetch(post!.postMediaList[0]!.content!.$case === 'image' ? post!.postMediaList[0]!.content!.value.largeImageUrl : '');
    expect(Buffer.from(await served.arrayBuffer()).equals(image.data)).toBe(true);
    const { message } = await firstValueFrom(world.client.sendChatMessageWithMedia({ roomId: 'room-1', text: 'here' }, image, fastPolling));
    expect(message?.mediaList).toHaveLength(1);
    const sent = rpcCalls(world, 'SendChatMessage').at(-1)?.request as { mediaId: string };
    expect(sent).toMatchObject({ roomId: 'room-1', text: 'here' });
    expect(world.emulator.store.media.get(sent.mediaId)?.status).toBe(MediaStatus.STATUS_COMPLETED);
    // The documented composition works the same way.
    const composed = await firstValueFrom(
      world.client.uploadMedia(image, fastPolling).pipe(last(), switchMap((done) => world!.client.api.createPost({ text: 'one', mediaIdList: [done.mediaId ?? ''] }))),
    );
    expect(composed.post?.text).toBe('one');
    await expect(firstValueFrom(world.client.postWithMedia({ text: 'too many' }, [image, image, image, image, image]))).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});

describe('mixi2 upload URL (emulator)', () => {
  it('checks the bearer token and the announced size', async () => {
    world = await startWorld();
    const { mediaId, uploadUrl } = await firstValueFrom(world.client.api.initiatePostMediaUpload({ contentType: 'image/png', dataSize: 10n, mediaType: 1 }));
    const token = world.emulator.calls.at(-1)?.token ?? '';
    const post = (body: Uint8Array, bearer = token) => fetch(uploadUrl, { method: 'POST', body, headers: { authorization: `Bearer ${bearer}`, 'content-type': 'image/png' } });
    expect((await post(new Uint8Array(10), 'wrong')).status).toBe(401);
    expect((await post(new Uint8Array(11))).status).toBe(413);
    expect((await post(new Uint8Array(9))).status).toBe(400);
    expect((await post(new Uint8Array(10))).status).toBe(200);
    expect((await post(new Uint8Array(10))).status).toBe(409);
    expect(world.emulator.store.media.get(mediaId)?.status).toBe(MediaStatus.STATUS_PROCESSING);
  });

  it('expires upload URLs after 200 s (image) on its clock', async () => {
    const clock = new SteppedClock();
    world = await startWorld({ emulator: { now: clock.now } });
    const { uploadUrl } = await firstValueFrom(world.client.api.initiatePostMediaUpload({ contentType: 'image/png', dataSize: 1n, mediaType: 1 }));
    const token = world.emulator.calls.at(-1)?.token ?? '';
    clock.scheduler.schedule(() => undefined, 200_000);
    clock.advance();
    const answer = await fetch(uploadUrl, { method: 'POST', body: new Uint8Array(1), headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toEqual({ error: 'upload_url_expired' });
  });
});

describe('media status polling (virtual time)', () => {
  const statuses = (list: MediaStatus[], times: number[], now: () => number): Mixi2Api =>
    ({
      getPostMediaStatus: () => {
        times.push(now());
        return of({ status: list.shift() ?? MediaStatus.STATUS_PROCESSING });
      },
    }) as unknown as Mixi2Api;

  it('backs off between polls: 500, 750, 1125 ms … at most maxDelay', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable, flush }) => {
      const times: number[] = [];
      const api = statuses([MediaStatus.STATUS_PROCESSING, MediaStatus.STATUS_PROCESSING, MediaStatus.STATUS_PROCESSING, MediaStatus.STATUS_COMPLETED], times, () => asyncScheduler.now());
      const polled = pollMediaStatus(api, 'm', { maxDelay: 1000 }, asyncScheduler);
      expectObservable(polled).toBe('500ms a 749ms b 999ms c 999ms (d|)', { a: 2, b: 2, c: 2, d: 3 });
      flush();
      expect(times).toEqual([500, 1250, 2250, 3250]);
    });
  });

  it('gives up with RequestTimeoutError once the processing timeout has passed', () => {
    new TestScheduler((a, b) => expect(a).toEqual(b)).run(({ expectObservable }) => {
      const api = statuses([], [], () => 0);
      const polled = pollMediaStatus(api, 'm', { initialDelay: 1000, multiplier: 1, timeout: 2500 }, asyncScheduler);
      expectObservable(polled).toBe('1000ms a 999ms b 999ms #', { a: 2, b: 2 }, new RequestTimeoutError('mixi2 media m was not processed within 2500 ms'));
    });
  });
});
