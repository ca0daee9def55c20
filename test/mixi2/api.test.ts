import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, InvalidArgumentError, PermissionError, RateLimitError, RequestTimeoutError } from '../../src/core/errors.js';
import {
  clientCredentials,
  mixi2Client,
  GetPostMediaStatusResponse_Status,
  InitiatePostMediaUploadRequest_Type,
  LanguageCode,
  PostMaskType,
  PostPublishingType,
} from '../../src/mixi2/index.js';
import { startWorld, until, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const lastCall = (w: World) => w.emulator.calls.at(-1);

describe('mixi2 client.api', () => {
  it('starts a call with the token the auth has cached, and asks token() again with refresh after UNAUTHENTICATED', async () => {
    world = await startWorld();
    const { clientId, clientSecret, tokenUrl } = world.emulator;
    const valid = await clientCredentials({ clientId, clientSecret, tokenUrl }).token();
    const asked: Array<{ refresh?: boolean } | undefined> = [];
    let cached: string | undefined = 'stale-token';
    const auth = {
      currentToken: () => cached,
      token: async (options?: { refresh?: boolean }) => {
        asked.push(options);
        cached = valid;
        return valid;
      },
    };
    const client = mixi2Client({ auth, apiAddress: world.emulator.apiAddress, credentials: world.emulator.credentials, apiLinger: 0, rateLimits: false });
    await firstValueFrom(client.api.getUsers({ userIdList: ['user-alice'] }));
    expect(asked).toEqual([{ refresh: true }]);
    expect(world.emulator.calls.map((c) => c.token)).toEqual(['stale-token', valid]);
    await firstValueFrom(client.api.getUsers({ userIdList: ['user-alice'] }));
    expect(asked).toHaveLength(1);
  });

  it('waits for token() when the auth caches nothing, and sends nothing when unsubscribed while it waits', async () => {
    world = await startWorld();
    const { clientId, clientSecret, tokenUrl } = world.emulator;
    const valid = await clientCredentials({ clientId, clientSecret, tokenUrl }).token();
    let answer: (token: string) => void = () => undefined;
    const auth = { token: () => new Promise<string>((resolve) => (answer = resolve)) };
    const client = mixi2Client({ auth, apiAddress: world.emulator.apiAddress, credentials: world.emulator.credentials, apiLinger: 0, rateLimits: false });
    const left = client.api.getUsers({ userIdList: ['user-alice'] }).subscribe();
    left.unsubscribe();
    answer(valid);
    const answered = firstValueFrom(client.api.getUsers({ userIdList: ['user-bob'] }));
    answer(valid);
    await expect(answered).resolves.toMatchObject({ users: [{ userId: 'user-bob' }] });
    expect(world.emulator.calls.map((c) => c.method)).toEqual(['GetUsers']);
  });

  it('round-trips the read RPCs with their fields', async () => {
    world = await startWorld();
    const { api } = world.client;
    const { users } = await firstValueFrom(api.getUsers({ userIdList: ['user-alice', 'nobody'] }));
    expect(users.map((u) => u.name)).toEqual(['alice']);
    expect(lastCall(world)).toMatchObject({ method: 'GetUsers', request: { userIdList: ['user-alice', 'nobody'] } });
    const { posts } = await firstValueFrom(api.getPosts({ postIdList: ['post-hello'] }));
    expect(posts[0]).toMatchObject({ postId: 'post-hello', text: 'hello @bot', creatorId: 'user-alice' });
    expect(posts[0]?.inReplyToPostId).toBeUndefined();
    const { communities } = await firstValueFrom(api.getCommunities({ communityIdList: ['community-cats'] }));
    expect(communities[0]).toMatchObject({ communityId: 'community-cats', name: 'Cats', purpose: 'photos of cats' });
    const timeline = await firstValueFrom(api.getCommunityTimeline({ communityId: 'community-cats' }));
    expect(timeline.posts.map((p) => p.postId)).toEqual(['post-cat']);
    const members = await firstValueFrom(api.getCommunityMemberList({ communityId: 'community-cats' }));
    expect(members.members.map((u) => u.userId)).toEqual(['user-alice', 'user-bob']);
    expect(members.nextPaginationCursor).toBeUndefined();
    const using = await firstValueFrom(api.getCommunitiesUsingApplication());
    expect(using.communitiesUsingApplication[0]).toMatchObject({ applicationVersionId: 'version-1', community: { communityId: 'community-cats' } });
    expect(using.applicationVersions[0]?.requirements.length).toBe(2);
    const stamps = await firstValueFrom(api.getStamps({ officialStampLanguage: LanguageCode.LANGUAGE_CODE_JP, communityIds: ['community-cats'] }));
    expect(stamps.officialStampSets[0]?.stamps.map((s) => s.stampId)).toContain('o_cracker');
    expect(stamps.communityStampSets[0]?.stamps[0]?.stampId).toBe('c_cat');
    const noLanguage = await firstValueFrom(api.getStamps({}));
    expect(noLanguage.officialStampSets).toEqual([]);
  });

  it('round-trips the write RPCs, keeping proto3 optional fields distinct from defaults', async () => {
    world = await startWorld();
    const { api } = world.client;
    const created = await firstValueFrom(
      api.createPost({
        text: 'thanks!',
        inReplyToPostId: 'post-hello',
        postMask: { maskType: PostMaskType.POST_MASK_TYPE_SPOILER, caption: 'spoiler' },
        publishingType: PostPublishingType.POST_PUBLISHING_TYPE_UNSPECIFIED,
      }),
    );
    expect(created.post).toMatchObject({ text: 'thanks!', inReplyToPostId: 'post-hello', creatorId: 'app-bot', postMask: { caption: 'spoiler' } });
    const request = lastCall(world)?.request as Record<string, unknown>;
    expect(request).toMatchObject({ publishingType: 0 });
    expect('publishingType' in request).toBe(true);
    expect(request['quotedPostId']).toBeUndefined();
    expect(request['communityId']).toBeUndefined();
    const postId = created.post?.postId ?? '';

    const stamped = await firstValueFrom(api.addStampToPost({ postId, stampId: 'o_cracker' }));
    expect(stamped.post?.readerStampId).toBe('o_cracker');
    expect(stamped.post?.stamps[0]?.count).toBe(1n);

    const upload = await firstValueFrom(
      api.initiatePostMediaUpload({ contentType: 'image/png', dataSize: 2n ** 53n + 1n, mediaType: InitiatePostMediaUploadRequest_Type.TYPE_IMAGE, description: 'a cat' }),
    );
    expect((lastCall(world)?.request as { dataSize: bigint }).dataSize).toBe(2n ** 53n + 1n);
    expect(upload.uploadUrl).toContain(upload.mediaId);
    const pending = await firstValueFrom(api.getPostMediaStatus({ mediaId: upload.mediaId }));
    expect(pending.status).toBe(GetPostMediaStatusResponse_Status.STATUS_UPLOAD_PENDING);

    const chat = await firstValueFrom(api.sendChatMessage({ roomId: 'room-1', text: 'hi' }));
    expect(chat.message).toMatchObject({ roomId: 'room-1', text: 'hi', creatorId: 'app-bot' });
    const dm = await firstValueFrom(api.sendDirectMessageToCommunityMember({ receiverId: 'user-bob', communityId: 'community-cats', text: 'welcome', postId: 'post-cat' }));
    expect(dm.message).toMatchObject({ text: 'welcome', postId: 'post-cat' });

    await expect(firstValueFrom(api.restrictCommunityPost({ postId: 'post-cat' }))).resolves.toEqual({});
    const timeline = await firstValueFrom(api.getCommunityTimeline({ communityId: 'community-cats' }));
    expect(timeline.posts).toEqual([]);

    const deleted = await firstValueFrom(api.deletePost({ postId }));
    expect(deleted.deleted).toBe(true);
    const [gone] = (await firstValueFrom(api.getPosts({ postIdList: [postId] }))).posts;
    expect(gone).toMatchObject({ postId, isDeleted: true, text: '' });
    expect(world.emulator.calls.map((c) => c.method)).toEqual([
      'CreatePost',
      'AddStampToPost',
      'InitiatePostMediaUpload',
      'GetPostMediaStatus',
      'SendChatMessage',
      'SendDirectMessageToCommunityMember',
      'RestrictCommunityPost',
      'GetCommunityTimeline',
      'DeletePost',
      'GetPosts',
    ]);
  });

  it('runs the media upload flow: initiate, POST the bytes with the bearer token, poll, attach', async () => {
    world = await startWorld();
    const { api } = world.client;
    const upload = await firstValueFrom(api.initiatePostMediaUpload({ contentType: 'image/jpeg', dataSize: 3n, mediaType: InitiatePostMediaUploadRequest_Type.TYPE_IMAGE }));
    const unattached = await firstValueFrom(api.createPost({ text: 'look', mediaIdList: [upload.mediaId] })).catch((e: unknown) => e);
    expect((unattached as ApiError).status).toBe(status.INVALID_ARGUMENT);
    const token = world.emulator.calls.at(-1)?.token ?? '';
    const put = await fetch(upload.uploadUrl, { method: 'POST', body: Uint8Array.from([1, 2, 3]), headers: { authorization: `Bearer ${token}`, 'content-type': 'image/jpeg' } });
    expect(put.status).toBe(200);
    const processing = await firstValueFrom(api.getPostMediaStatus({ mediaId: upload.mediaId }));
    expect(processing.status).toBe(GetPostMediaStatusResponse_Status.STATUS_PROCESSING);
    const done = await firstValueFrom(api.getPostMediaStatus({ mediaId: upload.mediaId }));
    expect(done.status).toBe(GetPostMediaStatusResponse_Status.STATUS_COMPLETED);
    const created = await firstValueFrom(api.createPost({ text: 'look', mediaIdList: [upload.mediaId] }));
    expect(created.post?.text).toBe('look');
  });

  it('covers all 15 RPCs', () => {
    return startWorld().then(async (w) => {
      world = w;
      expect(Object.keys(w.client.api).sort()).toEqual(
        [
          'addStampToPost',
          'createPost',
          'deletePost',
          'getCommunities',
          'getCommunitiesUsingApplication',
          'getCommunityMemberList',
          'getCommunityTimeline',
          'getPostMediaStatus',
          'getPosts',
          'getStamps',
          'getUsers',
          'initiatePostMediaUpload',
          'restrictCommunityPost',
          'sendChatMessage',
          'sendDirectMessageToCommunityMember',
        ].sort(),
      );
    });
  });

  it('maps RESOURCE_EXHAUSTED to RateLimitError with the retry-after wait (governor not retrying)', async () => {
    world = await startWorld({ client: { rateLimits: { retryRateLimited: false } } });
    world.emulator.rateLimitNext(1, { retryAfterSeconds: 7 });
    const error = await firstValueFrom(world.client.api.getUsers({ userIdList: ['user-alice'] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7000);
    expect(world.client.rateLimits.state().held.map((h) => h.key)).toEqual(['getUsers']);
    await expect(firstValueFrom(world.client.api.getPosts({ postIdList: ['post-hello'] }))).resolves.toBeDefined();
  });

  it('enforces the per-minute rate limit option like the service (RESOURCE_EXHAUSTED per RPC)', async () => {
    // The client's governor off: the emulator's own refusal is what is tested here.
    world = await startWorld({ emulator: { rateLimitPerMinute: 2 }, client: { rateLimits: false } });
    const { api } = world.client;
    await firstValueFrom(api.getUsers({}));
    await firstValueFrom(api.getUsers({}));
    await expect(firstValueFrom(api.getUsers({}))).rejects.toBeInstanceOf(RateLimitError);
    await expect(firstValueFrom(api.getPosts({}))).resolves.toEqual({ posts: [] });
  });

  it('maps refusals to typed errors with the status', async () => {
    world = await startWorld();
    const { api } = world.client;
    const tooLong = await firstValueFrom(api.createPost({ text: 'x'.repeat(150) })).catch((e: unknown) => e);
    expect(tooLong).toBeInstanceOf(ApiError);
    expect((tooLong as ApiError).status).toBe(status.INVALID_ARGUMENT);
    const both = await firstValueFrom(api.createPost({ text: 'x', inReplyToPostId: 'post-hello', quotedPostId: 'post-hello' })).catch((e: unknown) => e);
    expect((both as ApiError).status).toBe(status.INVALID_ARGUMENT);
    const missing = await firstValueFrom(api.deletePost({ postId: 'nope' })).catch((e: unknown) => e);
    expect((missing as ApiError).status).toBe(status.NOT_FOUND);
    const malformed = await firstValueFrom(api.getUsers({ userIdList: 'user-alice' } as never)).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(InvalidArgumentError);
    world.emulator.denyPermission();
    await expect(firstValueFrom(api.getUsers({}))).rejects.toBeInstanceOf(PermissionError);
  });

  it('retries once with a fresh token after UNAUTHENTICATED', async () => {
    world = await startWorld();
    const { api } = world.client;
    await firstValueFrom(api.getUsers({}));
    world.emulator.expireTokens();
    await expect(firstValueFrom(api.getUsers({ userIdList: ['user-bob'] }))).resolves.toMatchObject({ users: [{ userId: 'user-bob' }] });
    expect(world.emulator.stats().tokenRequests).toBe(2);
  });

  // Both settings: with the governor an answer is delivered once its trailers were read, without it at once.
  it.each([
    ['with the rate governor', {}],
    ['with rateLimits: false', { rateLimits: false as const }],
  ])('is cold and cancels on unsubscribe (%s)', async (_, client) => {
    world = await startWorld({ client });
    const call$ = world.client.api.createPost({ text: 'never sent' });
    await firstValueFrom(world.client.api.getUsers({}));
    expect(world.emulator.calls.map((c) => c.method)).toEqual(['GetUsers']);
    world.emulator.holdApiCalls();
    const errors: unknown[] = [];
    const subscription = call$.subscribe({ error: (e) => errors.push(e) });
    await until(() => world?.emulator.calls.length === 2, 'the held call');
    subscription.unsubscribe();
    await until(() => world?.emulator.stats().cancelledCalls === 1, 'server-side cancellation');
    expect(errors).toEqual([]);
  });

  it.each([
    ['with the rate governor', {}],
    ['with rateLimits: false', { rateLimits: false as const }],
  ])('ends a call still unanswered at apiTimeout with RequestTimeoutError, and the next call goes through (%s)', async (_, client) => {
    world = await startWorld({ client: { ...client, apiTimeout: 50 } });
    world.emulator.holdApiCalls();
    await expect(firstValueFrom(world.client.api.getUsers({}))).rejects.toBeInstanceOf(RequestTimeoutError);
    world.emulator.holdApiCalls(false);
    await expect(firstValueFrom(world.client.api.getUsers({ userIdList: ['user-bob'] }))).resolves.toMatchObject({ users: [{ userId: 'user-bob' }] });
  });
});
