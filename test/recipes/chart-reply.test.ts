import { createHash } from 'node:crypto';
import { crc32, inflateSync } from 'node:zlib';
import { defer, firstValueFrom, of, throwError, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { renderBarChart } from '../../recipes/bar-chart.js';
import type { ChartPicture, ChartReplier } from '../../recipes/chart-repliers.js';
import { chartReplyHandler, parseChartCommand, runChartReply, type ChartReplyOutcome } from '../../recipes/chart-reply.js';
import { misskeyLinkTo, mixi2LinkTo } from '../../recipes/connect.js';
import { misskeyMentions, mixi2Mentions, type Mention } from '../../recipes/mentions.js';
import { encodePng, type RgbImage } from '../../recipes/png-encoder.js';
import { ApiError, AuthenticationError, InvalidArgumentError, RateGovernor } from '../../src/index.js';
import { EventReason, PostMediaType } from '../../src/mixi2/index.js';
import { buildMixi2Post, buildMixi2User, buildPostCreatedEvent, marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';
import { note } from './notes.js';

/** Decodes the PNGs encodePng writes (8-bit RGB, filter 0), checking every chunk's CRC with node:zlib's own. */
function decodePng(png: Uint8Array): RgbImage {
  const bytes = Buffer.from(png);
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  const chunks: Array<{ type: string; data: Buffer }> = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    expect(bytes.readUInt32BE(at + 8 + length), `CRC of chunk ${chunks.length}`).toBe(crc32(typeAndData));
    chunks.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
  const ihdr = chunks[0]!.data;
  const [width, height] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
  expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
  const raw = inflateSync(chunks[1]!.data);
  expect(raw.length).toBe(height * (1 + width * 3));
  const pixels = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (1 + width * 3)], `filter of row ${y}`).toBe(0);
    pixels.set(raw.subarray(y * (1 + width * 3) + 1, (y + 1) * (1 + width * 3)), y * width * 3);
  }
  return { width, height, pixels };
}

const pixel = (image: RgbImage, x: number, y: number): number[] => [...image.pixels.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3)];

describe('encodePng and renderBarChart', () => {
  it('writes a valid PNG holding exactly the pixels given', () => {
    const image: RgbImage = { width: 3, height: 2, pixels: Uint8Array.from({ length: 18 }, (_, i) => i * 14) };
    expect(decodePng(encodePng(image))).toEqual(image);
  });

  it('draws bars proportional to the values over a baseline', () => {
    const chart = decodePng(encodePng(renderBarChart([4, 0, 2], { width: 100, height: 100 })));
    expect([chart.width, chart.height]).toEqual([100, 100]);
    const blue = [59, 130, 246];
    const white = [255, 255, 255];
    // plot from y 8 to the baseline at 90; three slots of 28 px from x 8
    expect(pixel(chart, 22, 9)).toEqual(blue); // the tallest bar reaches the top of the plot
    expect(pixel(chart, 22 + 28, 85)).toEqual(white); // 0: no bar
    expect(pixel(chart, 22 + 56, 50)).toEqual(blue); // half as tall as the first
    expect(pixel(chart, 22 + 56, 48)).toEqual(white);
    expect(pixel(chart, 50, 91)).toEqual([55, 65, 81]); // the baseline
  });

  it('refuses bad input with InvalidArgumentError', () => {
    expect(() => encodePng({ width: 2, height: 2, pixels: new Uint8Array(3) })).toThrow(InvalidArgumentError);
    expect(() => encodePng({ width: 0, height: 2, pixels: new Uint8Array(0) })).toThrow(InvalidArgumentError);
    expect(() => renderBarChart([])).toThrow(InvalidArgumentError);
    expect(() => renderBarChart([1, -2])).toThrow(/not negative/);
    expect(() => renderBarChart([1, Number.NaN])).toThrow(InvalidArgumentError);
    expect(() => renderBarChart([1], { width: 10 })).toThrow(/at least 32×32/);
  });
});

describe('parseChartCommand', () => {
  it('reads the numbers after /chart, or asks for the activity chart', () => {
    expect(parseChartCommand('@bot /chart 3 1 4.5')).toEqual({ kind: 'values', values: [3, 1, 4.5] });
    expect(parseChartCommand('@bot /chart 2, 7, 1 and more')).toEqual({ kind: 'values', values: [2, 7, 1] });
    expect(parseChartCommand('/CHART')).toEqual({ kind: 'activity' });
    expect(parseChartCommand('@bot /chart -3 1')).toEqual({ kind: 'activity' });
    expect(parseChartCommand(`/chart ${'1 '.repeat(60)}`)).toEqual({ kind: 'values', values: new Array(48).fill(1) });
    expect(parseChartCommand('@bot /charts or a/chart or /chart/x')).toBeUndefined();
    expect(parseChartCommand('@bot hello')).toBeUndefined();
  });
});

const mention = (network: Mention['network'], postId: string, text: string): Mention => ({ network, postId, authorId: `u-${postId}`, authorName: 'alice', text });

describe('chartReplyHandler (marbles)', () => {
  it('uploads the chart then replies with it, once per /chart post, only on networks it has a replier for', () => {
    const pictures: ChartPicture[] = [];
    const replies: Array<{ postId: string; text: string; mediaId: string }> = [];
    marbles(({ cold, expectObservable }) => {
      const mixi2: ChartReplier = {
        upload: (picture) => (pictures.push(picture), cold('-m|', { m: `media-${pictures.length}` })),
        reply: (m, text, mediaId) => (replies.push({ postId: m.postId, text, mediaId }), cold('-r|', { r: `reply-${m.postId}` })),
      };
      const source = cold('a-b-c-d', {
        a: mention('mixi2', 'p1', '@bot /chart 3 1 4'),
        b: mention('mixi2', 'p2', '@bot hello'),
        c: mention('mixi2', 'p1', '@bot /chart 3 1 4'),
        d: mention('misskey', 'n1', '@admin /chart 2'),
      });
      expectObservable(source.pipe(chartReplyHandler({ repliers: { mixi2 } }))).toBe('--x', {
        x: { status: 'replied', network: 'mixi2', postId: 'p1', replyId: 'reply-p1', mediaId: 'media-1', description: 'your numbers: 3, 1, 4' },
      });
    }, vitestEqual);
    expect(replies).toEqual([{ postId: 'p1', text: '@alice here is your chart (your numbers: 3, 1, 4)', mediaId: 'media-1' }]);
    expect(pictures).toHaveLength(1);
    expect(pictures[0]!.png.equals(encodePng(renderBarChart([3, 1, 4])))).toBe(true);
    expect(decodePng(pictures[0]!.png)).toMatchObject({ width: 320, height: 160 });
  });

  it('keeps a burst within a rate limit: replies spaced by the window, in order, the other network not held', () =>
    marbles(({ cold, expectObservable }) => {
      // As a client's governor does: at most 2 uploads and 2 posts start in any 100 ms.
      const governor = new RateGovernor({ rules: () => [{ limit: 2, window: 100 }] });
      const mixi2: ChartReplier = {
        upload: () => governor.schedule('initiatePostMediaUpload', of('m')),
        reply: (m) => governor.schedule('createPost', of(`r-${m.postId}`)),
      };
      const misskey: ChartReplier = { upload: () => of('f'), reply: (m) => of(`r-${m.postId}`) };
      const burst = (id: string): Mention => mention('mixi2', id, '/chart 1 2');
      const source = cold('(abcdef)', { a: burst('p1'), b: burst('p2'), c: burst('p3'), d: burst('p4'), e: burst('p5'), f: mention('misskey', 'n1', '/chart 5') });
      const replied = (network: Mention['network'], postId: string, mediaId: string, values: string): ChartReplyOutcome => ({
        status: 'replied',
        network,
        postId,
        replyId: `r-${postId}`,
        mediaId,
        description: `your numbers: ${values}`,
      });
      expectObservable(source.pipe(chartReplyHandler({ repliers: { mixi2, misskey } }))).toBe('(abf) 95ms (cd) 96ms e', {
        a: replied('mixi2', 'p1', 'm', '1, 2'),
        b: replied('mixi2', 'p2', 'm', '1, 2'),
        c: replied('mixi2', 'p3', 'm', '1, 2'),
        d: replied('mixi2', 'p4', 'm', '1, 2'),
        e: replied('mixi2', 'p5', 'm', '1, 2'),
        f: replied('misskey', 'n1', 'f', '5'),
      });
    }, vitestEqual));

  it('retries an upload that failed for a while, never uploads again for a failed reply, reports it and goes on', () => {
    let uploads = 0;
    marbles(({ cold, expectObservable }) => {
      const transient = new ApiError('InitiatePostMediaUpload failed', undefined, { status: 14, retryable: true });
      const refused = new AuthenticationError('CreatePost: token refused');
      const mixi2: ChartReplier = {
        upload: () => defer(() => (++uploads === 1 ? throwError(() => transient) : of(`m${uploads}`))),
        reply: (m) => (m.postId === 'bad' ? throwError(() => refused) : of(`r-${m.postId}`)),
      };
      const source = cold('ab', { a: mention('mixi2', 'bad', '/chart 1'), b: mention('mixi2', 'p2', '/chart 2') });
      expectObservable(source.pipe(chartReplyHandler({ repliers: { mixi2 }, retry: { initialDelay: 10 } }))).toBe('10ms (xy)', {
        x: { status: 'failed', network: 'mixi2', postId: 'bad', error: refused },
        y: { status: 'replied', network: 'mixi2', postId: 'p2', replyId: 'r-p2', mediaId: 'm3', description: 'your numbers: 2' },
      });
    }, vitestEqual);
    expect(uploads).toBe(3);
  });

  it('charts its own /chart commands per period when no numbers are given', () =>
    marbles(({ cold, expectObservable }) => {
      const replier: ChartReplier = { upload: () => of('m'), reply: (m) => of(m.postId) };
      const source = cold('a 49ms b 199ms c', { a: mention('misskey', 'n1', '/chart'), b: mention('misskey', 'n2', '/chart 4'), c: mention('misskey', 'n3', '/chart') });
      const described = (postId: string, description: string): ChartReplyOutcome => ({ status: 'replied', network: 'misskey', postId, replyId: postId, mediaId: 'm', description });
      expectObservable(source.pipe(chartReplyHandler({ repliers: { misskey: replier }, buckets: 3, bucketMs: 100 }))).toBe('a 49ms b 199ms c', {
        a: described('n1', '/chart commands per 0.1 s, oldest first: 0 0 1'),
        b: described('n2', 'your numbers: 4'),
        c: described('n3', '/chart commands per 0.1 s, oldest first: 1 0 1'),
      });
    }, vitestEqual));
});

describe('mixi2Mentions and misskeyMentions', () => {
  const alice = buildMixi2User({ userId: 'user-alice', name: 'alice' });

  it('turn mixi2 mentions and Misskey mention notifications into one shape, without the bot’s own', () =>
    marbles(({ cold, expectObservable }) => {
      const mixi2 = cold('abc', {
        a: buildPostCreatedEvent({ postId: 'p1', creatorId: 'user-alice', text: '@bot /chart' }, { issuer: alice }),
        b: buildPostCreatedEvent({ postId: 'p2', text: 'community' }, { reasons: [EventReason.EVENT_REASON_POST_COMMUNITY] }),
        c: buildPostCreatedEvent({ postId: 'p3', creatorId: 'app-bot', text: '@bot /chart' }),
      });
      expectObservable(mixi2.pipe(mixi2Mentions('app-bot'))).toBe('a', { a: { network: 'mixi2', postId: 'p1', authorId: 'user-alice', authorName: 'alice', text: '@bot /chart' } });
      const mentionOf = (body: ReturnType<typeof note>) => ({ type: 'notification' as const, body: { id: `x-${body.id}`, createdAt: body.createdAt, type: 'mention', userId: body.userId, note: body } as never });
      const main = cold('ab', { a: mentionOf(note('n1', '@admin /chart 1')), b: mentionOf(note('n2', '@admin me', { userId: 'me' })) });
      expectObservable(main.pipe(misskeyMentions('me'))).toBe('a', {
        a: { network: 'misskey', postId: 'n1', authorId: 'u-alice', authorName: 'alice', text: '@admin /chart 1', visibility: 'public' },
      });
    }, vitestEqual));
});

describe('runChartReply (emulators)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('answers /chart on mixi2 and Misskey with an uploaded PNG over the real APIs, through a rate limit on each', async () => {
    const { mixi2: m2, misskey: mk } = await bed.start(['mixi2', 'misskey']);
    if (!m2 || !mk) throw new Error('no emulators');
    const mixi2 = bed.link(mixi2LinkTo(m2, tinyPolicies));
    const misskey = bed.link(misskeyLinkTo(mk, tinyPolicies));
    const run = bed.run(runChartReply({ mixi2, misskey }, { retry: { initialDelay: 5, maxRetries: 3 } }));
    await m2.waitForStreams(1);
    await mk.waitFor(() => mk.stats().channels === 1, 'the main channel');
    m2.slowMediaProcessing(0); // the first status poll finds the media processed
    m2.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 0 });
    mk.rateLimitNext(1, { endpoint: 'notes/create', retryAfterSeconds: 0 });

    const command = m2.store.addPost(buildMixi2Post({ postId: 'c1', creatorId: 'user-alice', text: '@bot /chart 3 1 4' }));
    m2.push(buildPostCreatedEvent(command, { issuer: buildMixi2User({ userId: 'user-alice', name: 'alice' }) }));
    const asked = mk.createNote('alice', { text: '@admin /chart 2 7 1' });
    await until(() => run.counters.out === 2, 'both chart replies');

    const mixi2Png = encodePng(renderBarChart([3, 1, 4]));
    expect(m2.stats().mediaUploads).toBe(1);
    const posts = m2.calls.filter((c) => c.method === 'CreatePost').map((c) => c.request as { inReplyToPostId?: string; mediaIdList?: string[]; text?: string });
    expect(posts).toHaveLength(2); // the first was refused with RESOURCE_EXHAUSTED and sent again
    const [mediaId] = posts[1]!.mediaIdList ?? [];
    expect(posts[1]).toMatchObject({ inReplyToPostId: 'c1', text: '@alice here is your chart (your numbers: 3, 1, 4)' });
    const media = m2.store.media.get(mediaId!);
    expect(media).toMatchObject({ contentType: 'image/png', uploadContentType: 'image/png', description: 'your numbers: 3, 1, 4' });
    expect(decodePng(media!.bytes!)).toMatchObject({ width: 320, height: 160 });
    expect(media!.bytes!.equals(mixi2Png)).toBe(true);
    const replyPost = [...m2.store.posts.values()].find((p) => p.inReplyToPostId === 'c1');
    const image = { largeImageMimeType: 'image/png', largeImageWidth: 320, largeImageHeight: 160, smallImageMimeType: 'image/png' };
    expect(replyPost?.postMediaList).toEqual([{ mediaType: PostMediaType.POST_MEDIA_TYPE_IMAGE, content: { $case: 'image', value: expect.objectContaining(image) } }]);
    const { content } = replyPost!.postMediaList[0]!;
    const served = await fetch(content?.$case === 'image' ? content.value.largeImageUrl : '');
    expect(Buffer.from(await served.arrayBuffer()).equals(mixi2Png)).toBe(true);

    const misskeyPng = encodePng(renderBarChart([2, 7, 1]));
    expect(mk.stats().driveFiles).toBe(1);
    const timeline = await firstValueFrom(misskey.client.api('notes/timeline', { limit: 10 }) as Observable<Array<{ replyId: string | null; files?: Array<{ id: string; md5: string; type: string; properties: object }> }>>);
    const reply = timeline.find((n) => n.replyId === asked.id);
    expect(reply?.files).toEqual([expect.objectContaining({ type: 'image/png', md5: createHash('md5').update(misskeyPng).digest('hex'), properties: { width: 320, height: 160 } })]);
    const created = mk.apiCalls.filter((c) => c.endpoint === 'notes/create');
    expect(created.map((c) => c.status)).toEqual([429, 200]);
    expect(created[1]!.params).toMatchObject({ replyId: asked.id, fileIds: [reply!.files![0]!.id], visibility: 'public', text: '@alice here is your chart (your numbers: 2, 7, 1)' });

    expect(run.counters).toMatchObject({ in: 2, out: 2, errors: 0 });
    expect(run.describe?.()).toMatch(/^uploads mixi2 1 misskey 1, replies 2; rate governors: mixi2 waits \d+ .*, misskey waits \d+ /);
    expect(await run.stop()).toBe('stopped');
  });
});
