import { status as Status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import {
  GetPostMediaStatusResponse_Status,
  InitiatePostMediaUploadRequest_Type,
  type Post,
} from '../../mixi2/protocol.js';
import type { ApplicationServiceService as ApiServiceDefinition } from '../../mixi2/gen/social/mixi/application/service/application_api/v1/service.js';
import type { ApiRequestOf, ApiResponseOf, Mixi2ApiMethod } from '../../mixi2/api.js';
import { mixi2Timestamp } from './builders.js';
import type { Mixi2Gate, ServerStatusResponse } from './gate.js';
import type { EmulatedMediaUploads } from './media-uploads.js';
import { postMediaOf } from './post-media.js';
import type { Mixi2Store } from './store.js';
import { MIXI2_MAX_POST_CHARS } from '../../mixi2/post-text.js';

type Outcome<M extends Mixi2ApiMethod> = ApiResponseOf<M> | ServerStatusResponse;
type Logic = { [M in Mixi2ApiMethod]: (request: ApiRequestOf<M>) => Outcome<M> };

const invalid = (details: string): ServerStatusResponse => ({ code: Status.INVALID_ARGUMENT, details });
const notFound = (details: string): ServerStatusResponse => ({ code: Status.NOT_FOUND, details });
const denied = (details: string): ServerStatusResponse => ({ code: Status.PERMISSION_DENIED, details });
const PAGE_SIZE = 50;

/** The emulated API (`application_api.v1.ApplicationService`): auth, limits and the store behind each RPC. */
export function apiServiceImplementation(
  definition: typeof ApiServiceDefinition,
  gate: Mixi2Gate,
  store: Mixi2Store,
  uploads: EmulatedMediaUploads,
  uploadBase: string,
): UntypedServiceImplementation {
  const logic = apiLogic(store, uploads, uploadBase);
  const implementation: UntypedServiceImplementation = {};
  for (const method of Object.keys(definition) as Mixi2ApiMethod[]) {
    const rpc = definition[method].path.split('/').pop() ?? method;
    const run = logic[method] as (request: unknown) => Outcome<Mixi2ApiMethod>;
    implementation[method] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const { refusal, headers } = gate.admitApi(rpc, call.request, call.metadata);
      if (refusal) return callback(refusal);
      // The ratelimit-* metadata of an answer travel as response headers (an error carries them in its status).
      if (headers) call.sendMetadata(headers);
      if (gate.holdCalls) {
        call.on('cancelled', () => (gate.cancelledCalls += 1));
        return undefined;
      }
      const outcome = run(call.request);
      if (isStatus(outcome)) callback(outcome);
      else callback(null, outcome);
    };
  }
  return implementation;
}

function isStatus(outcome: object): outcome is ServerStatusResponse {
  return typeof (outcome as ServerStatusResponse).code === 'number' && 'details' in outcome;
}

function apiLogic(store: Mixi2Store, uploads: EmulatedMediaUploads, uploadBase: string): Logic {
  const installed = (communityId: string): boolean => store.installations.has(communityId);
  const knownMedia = (ids: readonly string[]): boolean => ids.every((id) => store.media.get(id)?.status === GetPostMediaStatusResponse_Status.STATUS_COMPLETED);
  return {
    getUsers: ({ userIdList }) => ({ users: userIdList.flatMap((id) => store.users.get(id) ?? []) }),
    getPosts: ({ postIdList }) => ({ posts: postIdList.flatMap((id) => store.posts.get(id) ?? []) }),
    getCommunities: ({ communityIdList }) => ({ communities: communityIdList.flatMap((id) => store.communities.get(id) ?? []) }),
    createPost: (request) => {
      if ([...request.text].length > MIXI2_MAX_POST_CHARS) return invalid(`text exceeds ${MIXI2_MAX_POST_CHARS} characters`);
      if (request.inReplyToPostId !== undefined && request.quotedPostId !== undefined) return invalid('in_reply_to_post_id and quoted_post_id are mutually exclusive');
      if (request.mediaIdList.length > 4) return invalid('at most 4 media');
      if (!knownMedia(request.mediaIdList)) return invalid('unknown or unfinished media');
      if (request.text === '' && request.mediaIdList.length === 0) return invalid('text or media is required');
      const target = request.inReplyToPostId ?? request.quotedPostId;
      if (target !== undefined && !store.posts.has(target)) return notFound(`post ${target} not found`);
      if (request.communityId !== undefined && !installed(request.communityId)) return denied('the application is not installed in the community');
      const post: Post = {
        postId: store.nextId('post'),
        isDeleted: false,
        creatorId: store.app.userId,
        text: request.text,
        createdAt: mixi2Timestamp(),
        postMediaList: request.mediaIdList.map((id) => postMediaOf(store.media.get(id)!, uploadBase)),
        visibility: 1,
        accessLevel: 1,
        stamps: [],
        ...(request.inReplyToPostId === undefined ? {} : { inReplyToPostId: request.inReplyToPostId }),
        ...(request.communityId === undefined ? {} : { communityId: request.communityId }),
        ...(request.postMask === undefined ? {} : { postMask: request.postMask }),
      };
      return { post: store.addPost(post) };
    },
    deletePost: ({ postId }) => {
      const post = store.posts.get(postId);
      if (post === undefined || post.isDeleted) return notFound(`post ${postId} not found`);
      if (post.creatorId !== store.app.userId) return denied('only posts created by the application can be deleted');
      store.posts.set(postId, { ...emptyPost(postId), isDeleted: true });
      return { deleted: true };
    },
    initiatePostMediaUpload: (request) => {
      if (request.contentType === '') return invalid('content_type is required');
      if (request.dataSize <= 0n) return invalid('data_size must be positive');
      if (request.mediaType === InitiatePostMediaUploadRequest_Type.TYPE_UNSPECIFIED) return invalid('media_type is required');
      return uploads.initiate(request, uploadBase);
    },
    getPostMediaStatus: ({ mediaId }) => {
      const status = uploads.poll(mediaId);
      return status === undefined ? notFound(`media ${mediaId} not found`) : { status };
    },
    getCommunityTimeline: ({ communityId, untilCursor, sinceCursor }) => {
      if (!installed(communityId)) return denied('the application is not installed in the community');
      const posts = [...store.posts.values()].filter((p) => p.communityId === communityId && !store.restricted.has(p.postId)).reverse();
      const from = untilCursor === undefined ? 0 : posts.findIndex((p) => p.postId === untilCursor) + 1;
      const to = sinceCursor === undefined ? posts.length : Math.max(0, posts.findIndex((p) => p.postId === sinceCursor));
      return { posts: posts.slice(from, to).slice(0, PAGE_SIZE) };
    },
    getCommunityMemberList: ({ communityId, paginationCursor }) => {
      if (!installed(communityId)) return denied('the application is not installed in the community');
      const ids = store.members.get(communityId) ?? [];
      const start = paginationCursor === undefined ? 0 : Number(paginationCursor);
      if (!Number.isInteger(start) || start < 0) return invalid('bad pagination_cursor');
      const page = ids.slice(start, start + PAGE_SIZE);
      const next = start + PAGE_SIZE < ids.length ? { nextPaginationCursor: String(start + PAGE_SIZE) } : {};
      return { members: page.flatMap((id) => store.users.get(id) ?? []), ...next };
    },
    restrictCommunityPost: ({ postId }) => {
      const post = store.posts.get(postId);
      if (post === undefined) return notFound(`post ${postId} not found`);
      if (post.communityId === undefined || !installed(post.communityId)) return denied('not a post of a community where the application is installed');
      store.restricted.add(postId);
      return {};
    },
    getCommunitiesUsingApplication: ({ cursor }) => {
      const all = [...store.installations.entries()];
      const start = cursor === undefined ? 0 : Number(cursor);
      const page = all.slice(start, start + PAGE_SIZE);
      return {
        communitiesUsingApplication: page.flatMap(([id, version]) => {
          const community = store.communities.get(id);
          return community ? [{ community, applicationVersionId: version }] : [];
        }),
        applicationVersions: store.versions,
        ...(start + PAGE_SIZE < all.length ? { nextCursor: String(start + PAGE_SIZE) } : {}),
      };
    },
    sendChatMessage: ({ roomId, text, mediaId }) => {
      if (roomId === '') return invalid('room_id is required');
      if (text === undefined && mediaId === undefined) return invalid('text or media_id is required');
      if (mediaId !== undefined && !knownMedia([mediaId])) return invalid('unknown or unfinished media');
      return { message: store.recordMessage(roomId, text, mediaId === undefined ? [] : [mediaId]) };
    },
    getStamps: ({ officialStampLanguage, communityIds }) => {
      if (!communityIds.every(installed)) return denied('the application is not installed in every community');
      return {
        officialStampSets: store.officialStampsIn(officialStampLanguage),
        communityStampSets: store.communityStamps.filter((s) => communityIds.includes(s.communityId)),
      };
    },
    addStampToPost: ({ postId, stampId }) => {
      const post = store.posts.get(postId);
      if (post === undefined || post.isDeleted) return notFound(`post ${postId} not found`);
      if (post.readerStampId !== undefined) return { code: Status.ALREADY_EXISTS, details: 'a stamp was already added to this post' };
      const official = store.officialStamps.flatMap((s) => s.stamps).find((s) => s.stampId === stampId);
      const community = store.communityStamps.find((s) => s.communityId === post.communityId)?.stamps.find((s) => s.stampId === stampId);
      const url = official?.url ?? community?.url;
      if (url === undefined) return invalid(`unknown stamp ${stampId}`);
      const updated: Post = { ...post, readerStampId: stampId, stamps: [...post.stamps, { stamp: { url, mimeType: 'image/png', height: 128, width: 128 }, count: 1n }] };
      return { post: store.addPost(updated) };
    },
    sendDirectMessageToCommunityMember: ({ receiverId, communityId, text, mediaIds, postId }) => {
      if (!installed(communityId)) return denied('the application is not installed in the community');
      if (!(store.members.get(communityId) ?? []).includes(receiverId)) return notFound(`user ${receiverId} is not a member`);
      if (text === undefined && mediaIds.length === 0) return invalid('text or media_ids is required');
      if (mediaIds.length > 4) return invalid('at most 4 media');
      return { message: store.recordMessage(`dm-${receiverId}`, text, mediaIds, postId) };
    },
  };
}

function emptyPost(postId: string): Post {
  return { postId, isDeleted: false, creatorId: '', text: '', createdAt: undefined, postMediaList: [], visibility: 0, accessLevel: 0, stamps: [] };
}
