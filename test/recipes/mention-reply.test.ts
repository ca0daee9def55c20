import { defer, of, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { mixi2LinkTo } from '../../recipes/connect.js';
import { defaultReply, mentionReplyHandler, runMentionReply, type ReplyOutcome } from '../../recipes/mention-reply.js';
import { ApiError, RateLimitError } from '../../src/index.js';
import { EventReason, type CreatePostResponse, type Event } from '../../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildMixi2Post, buildMixi2User, buildPostCreatedEvent, marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';

const alice = buildMixi2User({ userId: 'user-alice', name: 'alice' });
const mention = (postId: string, text = '@bot hi', eventId?: string): Event =>
  buildPostCreatedEvent({ postId, text }, { issuer: alice, ...(eventId ? { eventId } : {}) });
const response = (postId: string): CreatePostResponse => ({ post: buildMixi2Post({ postId, creatorId: 'app-bot' }) });
const replied = (postId: string, replyId: string, text = defaultReply(buildMixi2Post({ text: '@bot hi' }), alice)): ReplyOutcome => ({ status: 'replied', postId, replyId, text });

describe('mentionReplyHandler (marbles)', () => {
  it('replies once per mentioned post, in order, and ignores other events, other reasons and its own posts', () =>
    marbles(({ cold, expectObservable }) => {
      const requests: unknown[] = [];
      const handler = mentionReplyHandler({
        botUserId: 'app-bot',
        createPost: (request) => (requests.push(request), cold('-r|', { r: response(`reply-${String(request.inReplyToPostId)}`) })),
      });
      const source = cold('a-b-c-d-e-f', {
        a: mention('p1'),
        b: buildChatMessageReceivedEvent({ text: 'hi' }),
        c: buildPostCreatedEvent({ postId: 'p2' }, { reasons: [EventReason.EVENT_REASON_POST_REPLY] }),
        d: mention('p1', '@bot hi', 'redelivered'),
        e: buildPostCreatedEvent({ postId: 'p3', creatorId: 'app-bot', text: '@bot me' }),
        f: mention('p4'),
      });
      expectObservable(source.pipe(handler)).toBe('-x---------y', { x: replied('p1', 'reply-p1'), y: replied('p4', 'reply-p4') });
    }, vitestEqual));

  it('starts at most `limit` replies per window, delaying (not dropping) the rest', () =>
    marbles(({ cold, expectObservable }) => {
      const handler = mentionReplyHandler({ limit: 2, window: 100, createPost: (r) => of(response(`r-${String(r.inReplyToPostId)}`)) });
      const source = cold('(abc)', { a: mention('p1'), b: mention('p2'), c: mention('p3') });
      expectObservable(source.pipe(handler)).toBe('(xy) 96ms z', { x: replied('p1', 'r-p1'), y: replied('p2', 'r-p2'), z: replied('p3', 'r-p3') });
    }, vitestEqual));

  it('waits out a rate limit for at least its retry-after, then replies', () =>
    marbles(({ cold, expectObservable }) => {
      let calls = 0;
      const handler = mentionReplyHandler({
        retry: { initialDelay: 10, maxRetries: 3 },
        createPost: () => defer(() => (++calls === 1 ? throwError(() => new RateLimitError("CreatePost: rate limited", { retryAfterMs: 500 })) : cold("-r|", { r: response("r1") }))),
      });
      expectObservable(cold('a', { a: mention('p1') }).pipe(handler)).toBe('501ms x', { x: replied('p1', 'r1') });
    }, vitestEqual));

  it('reports a reply that keeps failing and goes on with the next mention', () =>
    marbles(({ cold, expectObservable }) => {
      const failure = new ApiError('CreatePost failed', undefined, { status: 13, retryable: true });
      const handler = mentionReplyHandler({
        retry: { initialDelay: 10, multiplier: 1, maxRetries: 2 },
        createPost: (r) => (r.inReplyToPostId === 'bad' ? cold('#', undefined, failure) : of(response('ok'))),
      });
      expectObservable(cold('ab', { a: mention('bad'), b: mention('p2') }).pipe(handler)).toBe('20ms (xy)', {
        x: { status: 'failed', postId: 'bad', error: failure },
        y: replied('p2', 'ok'),
      });
    }, vitestEqual));
});

describe('runMentionReply (emulator)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('replies to each mention once over the real stream and API, across a dropped connection and a rate limit', async () => {
    const { mixi2: emulator } = await bed.start(['mixi2']);
    if (!emulator) throw new Error('no emulator');
    const link = bed.link(mixi2LinkTo(emulator, tinyPolicies));
    const run = bed.run(runMentionReply({ mixi2: link }, { retry: { initialDelay: 5, maxRetries: 3 } }));
    await emulator.waitForStreams(1);
    const post = (id: string) => emulator.store.addPost(buildMixi2Post({ postId: id, creatorId: alice.userId, text: `@bot hello ${id}` }));
    const push = (id: string, eventId?: string) => emulator.push(buildPostCreatedEvent(post(id), { issuer: alice, ...(eventId ? { eventId } : {}) }));

    push('m1');
    push('m1', 'again');
    await until(() => run.counters.out === 1, 'the first reply');
    emulator.dropConnections();
    await emulator.waitForStreams(0);
    await emulator.waitForStreams(1);
    emulator.rateLimitNext(1, { retryAfterSeconds: 0 });
    push('m2');
    await until(() => run.counters.out === 2, 'the second reply');

    const replies = emulator.calls.filter((c) => c.method === 'CreatePost').map((c) => (c.request as { inReplyToPostId?: string }).inReplyToPostId);
    expect(replies).toEqual(['m1', 'm2', 'm2']);
    expect([...emulator.store.posts.values()].filter((p) => p.inReplyToPostId !== undefined).map((p) => p.inReplyToPostId)).toEqual(['m1', 'm2']);
    expect(run.counters).toMatchObject({ in: 3, out: 2, errors: 0, reconnects: 1, gaps: 1 });
    expect(run.status).toBe('running');
    expect(await run.stop()).toBe('stopped');
  });
});
