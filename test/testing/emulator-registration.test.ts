import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mixi2Client } from '../../src/mixi2/index.js';
import { misskey } from '../../src/misskey/index.js';
import {
  buildChatMessageReceivedEvent,
  buildCommunityPluginManagedEvent,
  buildMisskeyNote,
  buildMixi2Community,
  buildMixi2Post,
  buildMixi2User,
  buildPostCreatedEvent,
  startMisskeyEmulator,
  type MisskeyEmulator,
  type Mixi2Emulator,
} from '../../src/testing/index.js';
import { startWorld } from '../mixi2/harness.js';

let closeAll: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closeAll.map((close) => close()));
  closeAll = [];
});

async function mixi2(): Promise<{ emulator: Mixi2Emulator; client: Mixi2Client }> {
  const world = await startWorld();
  closeAll.push(() => world.close());
  return world;
}

async function misskeyEmulator(): Promise<MisskeyEmulator> {
  const emulator = await startMisskeyEmulator();
  closeAll.push(() => emulator.close());
  return emulator;
}

describe('builder values registered with the mixi2 emulator', () => {
  it('push(buildPostCreatedEvent) registers the post: a reply to it through the API succeeds', async () => {
    const { emulator, client } = await mixi2();
    const event = buildPostCreatedEvent({ postId: 'post-3', text: '@bot hello' });
    emulator.push(event);
    const { post } = await firstValueFrom(client.api.createPost({ text: 'hi back', inReplyToPostId: 'post-3' }));
    expect(post?.inReplyToPostId).toBe('post-3');
    const { posts } = await firstValueFrom(client.api.getPosts({ postIdList: ['post-3'] }));
    expect(posts.map((p) => p.text)).toEqual(['@bot hello']);
  });

  it('push registers the issuer, the chat message and an installed community', async () => {
    const { emulator, client } = await mixi2();
    const issuer = buildMixi2User({ userId: 'user-dave' });
    const chat = buildChatMessageReceivedEvent({ messageId: 'message-1' }, { issuer });
    const community = buildMixi2Community({ communityId: 'community-dogs' });
    emulator.push([chat, buildCommunityPluginManagedEvent({ community })]);
    const { users } = await firstValueFrom(client.api.getUsers({ userIdList: ['user-dave'] }));
    expect(users.map((u) => u.userId)).toEqual(['user-dave']);
    expect(emulator.store.receivedMessages.has('message-1')).toBe(true);
    await expect(firstValueFrom(client.api.getCommunityTimeline({ communityId: 'community-dogs' }))).resolves.toEqual({ posts: [] });
  });

  it('register(...) makes built posts and users known to GetPosts and GetUsers', async () => {
    const { emulator, client } = await mixi2();
    emulator.register(buildMixi2User({ userId: 'user-erin' }), buildMixi2Post({ postId: 'post-erin', creatorId: 'user-erin', text: 'hi' }));
    const { posts } = await firstValueFrom(client.api.getPosts({ postIdList: ['post-erin'] }));
    expect(posts.map((p) => p.creatorId)).toEqual(['user-erin']);
    const { users } = await firstValueFrom(client.api.getUsers({ userIdList: ['user-erin'] }));
    expect(users).toHaveLength(1);
  });
});

describe('builder values registered with the Misskey emulator', () => {
  it('registerNote(buildMisskeyNote) makes the note known to notes/show and to reactions', async () => {
    const emulator = await misskeyEmulator();
    const note = buildMisskeyNote({ text: 'I love RxJS' });
    emulator.registerNote(note);
    const client = misskey({ origin: emulator.origin, token: emulator.users['admin']?.token, closeDelay: 0 });
    const shown = await firstValueFrom(client.api('notes/show', { noteId: note.id }));
    expect(shown).toMatchObject({ id: note.id, text: 'I love RxJS', user: { username: 'alice' } });
    await firstValueFrom(client.api('notes/reactions/create', { noteId: note.id, reaction: '👍' }));
    const reacted = await firstValueFrom(client.api('notes/show', { noteId: note.id }));
    expect(reacted.reactions).toEqual({ '👍': 1 });
  });

  it('a registered author cannot sign in: an empty token stays refused', async () => {
    const emulator = await misskeyEmulator();
    emulator.registerNote(buildMisskeyNote());
    // streamrx's client refuses an empty token itself, so the request is sent by hand.
    const answer = await fetch(`${emulator.origin}/api/i`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ i: '' }) });
    expect(answer.status).toBe(401);
  });
});
