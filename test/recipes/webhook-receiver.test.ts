import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { mixi2LinkTo } from '../../recipes/connect.js';
import { runWebhookReceiver, webhookEventHandler } from '../../recipes/webhook-receiver.js';
import { buildChatMessageReceivedEvent, buildCommunityMemberChangedEvent, buildMixi2Community, buildMixi2Post, buildMixi2User, buildPostCreatedEvent, marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';

const context = { now: () => 0, random: () => 0 };

describe('webhookEventHandler (marbles)', () => {
  it('handles each event id once and routes mentions, chat commands and member changes', () =>
    marbles(({ cold, expectObservable }) => {
      const posts: unknown[] = [];
      const chats: unknown[] = [];
      const notes: string[] = [];
      const handler = webhookEventHandler({
        context,
        createPost: (r) => (posts.push(r), of({ post: undefined })),
        sendChatMessage: (r) => (chats.push(r), of({ message: undefined })),
        onNote: (line) => notes.push(line),
      });
      const mention = buildPostCreatedEvent({ postId: 'p1', text: '@bot hi' }, { eventId: 'e1', issuer: buildMixi2User({ name: 'alice' }) });
      const source = cold('abcde', {
        a: mention,
        b: mention,
        c: buildChatMessageReceivedEvent({ text: '/ping', roomId: 'r1' }, { eventId: 'e2' }),
        d: buildChatMessageReceivedEvent({ text: 'no command' }, { eventId: 'e3' }),
        e: buildCommunityMemberChangedEvent({ eventId: 'e4', member: buildMixi2User({ name: 'carol' }), community: buildMixi2Community({ name: 'Cats' }) }),
      });
      expectObservable(source.pipe(handler)).toBe('a-cde', {
        a: { status: 'handled', eventId: 'e1', action: 'replied' },
        c: { status: 'handled', eventId: 'e2', action: 'answered' },
        d: { status: 'ignored', eventId: 'e3' },
        e: { status: 'handled', eventId: 'e4', action: 'noted' },
      });
      return () => {
        expect(posts).toEqual([{ text: '@alice thanks for the mention! You said: “@bot hi”', inReplyToPostId: 'p1' }]);
        expect(chats).toEqual([{ roomId: 'r1', text: 'pong' }]);
        expect(notes).toEqual(['carol joined Cats']);
      };
    }, vitestEqual)());
});

describe('webhookEventHandler (rate limit)', () => {
  it('starts at most `limit` handlings per window, delaying the rest', () =>
    marbles(({ cold, expectObservable }) => {
      const handler = webhookEventHandler({ context, limit: 1, window: 10, createPost: () => of({ post: undefined }), sendChatMessage: () => of({ message: undefined }) });
      const mention = (eventId: string) => buildPostCreatedEvent({ postId: eventId, text: '@bot hi' }, { eventId });
      const out = cold('(ab)', { a: mention('e1'), b: mention('e2') }).pipe(handler);
      expectObservable(out).toBe('x 9ms y', { x: { status: 'handled', eventId: 'e1', action: 'replied' }, y: { status: 'handled', eventId: 'e2', action: 'replied' } });
    }, vitestEqual));
});

describe('runWebhookReceiver (emulator)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('answers verified deliveries 204, refuses spoiled ones 401, and handles a redelivery once', async () => {
    const { mixi2: emulator } = await bed.start(['mixi2']);
    if (!emulator) throw new Error('no emulator');
    let listening!: (url: string) => void;
    const url = new Promise<string>((resolve) => (listening = resolve));
    const run = bed.run(
      runWebhookReceiver({ mixi2: bed.link(mixi2LinkTo(emulator, tinyPolicies)) }, { publicKey: emulator.webhookPublicKey, port: 0, host: '127.0.0.1', onListening: listening }),
    );
    const target = await url;
    const post = emulator.store.addPost(buildMixi2Post({ postId: 'hooked', text: '@bot via webhook' }));
    expect(await emulator.sendWebhook(target, buildPostCreatedEvent(post, { eventId: 'w1' }))).toBe(204);
    expect(await emulator.replayWebhook()).toBe(204);
    expect(await emulator.sendWebhook(target, buildPostCreatedEvent(post, { eventId: 'w2' }), { tamper: true })).toBe(401);
    expect(await emulator.sendWebhook(target, buildPostCreatedEvent(post, { eventId: 'w3' }), { timestamp: Math.floor(Date.now() / 1000) - 3600 })).toBe(401);
    expect(await emulator.sendWebhook(target, buildChatMessageReceivedEvent({ text: '/echo ok', roomId: 'room-w' }, { eventId: 'w4' }))).toBe(204);
    await until(() => run.counters.out === 2, 'two events handled');
    expect(emulator.calls.map((c) => c.method)).toEqual(['CreatePost', 'SendChatMessage']);
    expect(emulator.store.messages.map((m) => m.text)).toEqual(['ok']);
    expect(run.counters).toMatchObject({ in: 3, out: 2, errors: 0 });
    expect(run.describe?.()).toBe('received 3 events, 1 redeliveries or failures dropped');
    await run.stop();
    await expect(fetch(target, { method: 'POST' })).rejects.toThrow();
  });
});
