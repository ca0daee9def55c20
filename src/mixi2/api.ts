import type { Observable } from 'rxjs';
import type { RpcGovernance } from './rpc-governor.js';
import { unaryCall, type UnaryCallContext, type UnaryRpc } from './unary-call.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { timedCall } from '../telemetry/timed-call.js';
import {
  AddStampToPostRequest,
  ApplicationServiceService,
  CreatePostRequest,
  DeletePostRequest,
  GetCommunitiesRequest,
  GetCommunitiesUsingApplicationRequest,
  GetCommunityMemberListRequest,
  GetCommunityTimelineRequest,
  GetPostMediaStatusRequest,
  GetPostsRequest,
  GetStampsRequest,
  GetUsersRequest,
  InitiatePostMediaUploadRequest,
  RestrictCommunityPostRequest,
  SendChatMessageRequest,
  SendDirectMessageToCommunityMemberRequest,
  type AddStampToPostResponse,
  type CreatePostResponse,
  type DeletePostResponse,
  type GetCommunitiesResponse,
  type GetCommunitiesUsingApplicationResponse,
  type GetCommunityMemberListResponse,
  type GetCommunityTimelineResponse,
  type GetPostMediaStatusResponse,
  type GetPostsResponse,
  type GetStampsResponse,
  type GetUsersResponse,
  type InitiatePostMediaUploadResponse,
  type RestrictCommunityPostResponse,
  type SendChatMessageResponse,
  type SendDirectMessageToCommunityMemberResponse,
} from './gen/social/mixi/application/service/application_api/v1/service.js';
import type { DeepPartial } from './deep-partial.js';

type ApiDefinition = typeof ApplicationServiceService;
/** The request message of an API method (internal: the emulator implements these). */
export type ApiRequestOf<M extends Mixi2ApiMethod> = Parameters<ApiDefinition[M]['requestSerialize']>[0];
/** The response message of an API method (internal). */
export type ApiResponseOf<M extends Mixi2ApiMethod> = ReturnType<ApiDefinition[M]['responseDeserialize']>;

/**
 * Every unary RPC of the mixi2 Application API (`application_api.v1.ApplicationService`) as a method taking
 * the request (fields may be left out; proto3 `optional` fields stay absent unless given) and returning a
 * cold Observable of the response. Nothing is sent until subscription; unsubscribing cancels the call (or
 * leaves the client's rate-limit queue, if it waits there). Every call is paced by the client's governor
 * (`rateLimits` of {@link Mixi2ClientOptions}), which also retries a RESOURCE_EXHAUSTED after its hold.
 * gRPC statuses become streamrx errors: RESOURCE_EXHAUSTED → `RateLimitError` (with `retryAfterMs`),
 * UNAUTHENTICATED → one retry with a fresh token, then `AuthenticationError`, PERMISSION_DENIED →
 * `PermissionError`, DEADLINE_EXCEEDED → `RequestTimeoutError`, UNAVAILABLE → `ConnectionLostError`, any
 * other status → `ApiError` whose `status` is the gRPC code.
 *
 * @example
 * ```ts
 * client.api.createPost({ text: 'hello', inReplyToPostId: post.postId }).subscribe(({ post }) => console.log(post?.postId));
 * client.api.getStamps({ officialStampLanguage: LanguageCode.LANGUAGE_CODE_JP });
 * ```
 */
export type Mixi2Api = {
  // A type literal, not an interface, so that it stays assignable to Record<string, unknown> (generic wrappers).
  /** Users by id (only those the application may see). */
  getUsers(request?: DeepPartial<GetUsersRequest>): Observable<GetUsersResponse>;
  /** Posts by id; deleted posts come back with `isDeleted` and default values elsewhere. */
  getPosts(request?: DeepPartial<GetPostsRequest>): Observable<GetPostsResponse>;
  /** Communities by id. */
  getCommunities(request?: DeepPartial<GetCommunitiesRequest>): Observable<GetCommunitiesResponse>;
  /** Creates a post: text of at most 149 characters; a reply (`inReplyToPostId`) or a quote (`quotedPostId`), not both; at most 4 media. */
  createPost(request?: DeepPartial<CreatePostRequest>): Observable<CreatePostResponse>;
  /** Deletes a post the application created (irreversible). */
  deletePost(request?: DeepPartial<DeletePostRequest>): Observable<DeletePostResponse>;
  /** Starts a media upload; POST the bytes to `uploadUrl` with the bearer token, then poll {@link Mixi2Api.getPostMediaStatus}. */
  initiatePostMediaUpload(request?: DeepPartial<InitiatePostMediaUploadRequest>): Observable<InitiatePostMediaUploadResponse>;
  /** Status of an uploaded media; attach it once `STATUS_COMPLETED`. */
  getPostMediaStatus(request?: DeepPartial<GetPostMediaStatusRequest>): Observable<GetPostMediaStatusResponse>;
  /** A community timeline, newest first; cursors are post ids (exclusive). */
  getCommunityTimeline(request?: DeepPartial<GetCommunityTimelineRequest>): Observable<GetCommunityTimelineResponse>;
  /** One page of a community's members; pass `nextPaginationCursor` for the next. */
  getCommunityMemberList(request?: DeepPartial<GetCommunityMemberListRequest>): Observable<GetCommunityMemberListResponse>;
  /** Hides a post from a community timeline without deleting it. */
  restrictCommunityPost(request?: DeepPartial<RestrictCommunityPostRequest>): Observable<RestrictCommunityPostResponse>;
  /** The communities where the application is installed, with the version each uses. */
  getCommunitiesUsingApplication(request?: DeepPartial<GetCommunitiesUsingApplicationRequest>): Observable<GetCommunitiesUsingApplicationResponse>;
  /** Sends a chat message to a room (text and/or one media). */
  sendChatMessage(request?: DeepPartial<SendChatMessageRequest>): Observable<SendChatMessageResponse>;
  /** Official stamps (only when `officialStampLanguage` is set) and stamps of communities where the application is installed. */
  getStamps(request?: DeepPartial<GetStampsRequest>): Observable<GetStampsResponse>;
  /** Adds a stamp to a post (once per post). */
  addStampToPost(request?: DeepPartial<AddStampToPostRequest>): Observable<AddStampToPostResponse>;
  /** Sends a direct message to a member of a community where the application is installed. */
  sendDirectMessageToCommunityMember(
    request?: DeepPartial<SendDirectMessageToCommunityMemberRequest>,
  ): Observable<SendDirectMessageToCommunityMemberResponse>;
};

/**
 * The lower-camel names of the 15 unary RPCs.
 *
 * @example
 * ```ts
 * const method: Mixi2ApiMethod = 'createPost';
 * ```
 */
export type Mixi2ApiMethod = keyof Mixi2Api;

interface RequestCodec<T> {
  fromPartial(object: never): T;
}

const requestCodecs: { readonly [M in Mixi2ApiMethod]: RequestCodec<ApiRequestOf<M>> } = {
  getUsers: GetUsersRequest,
  getPosts: GetPostsRequest,
  getCommunities: GetCommunitiesRequest,
  createPost: CreatePostRequest,
  deletePost: DeletePostRequest,
  initiatePostMediaUpload: InitiatePostMediaUploadRequest,
  getPostMediaStatus: GetPostMediaStatusRequest,
  getCommunityTimeline: GetCommunityTimelineRequest,
  getCommunityMemberList: GetCommunityMemberListRequest,
  restrictCommunityPost: RestrictCommunityPostRequest,
  getCommunitiesUsingApplication: GetCommunitiesUsingApplicationRequest,
  sendChatMessage: SendChatMessageRequest,
  getStamps: GetStampsRequest,
  addStampToPost: AddStampToPostRequest,
  sendDirectMessageToCommunityMember: SendDirectMessageToCommunityMemberRequest,
};

/** What the API needs from its client. */
export interface ApiContext extends Omit<UnaryCallContext, 'observe'> {
  /** Paces each call and reads each answer's rate-limit metadata. */
  governance: RpcGovernance;
  /** Told about every call once it ended. */
  telemetry?: Telemetry;
}

/** Builds the {@link Mixi2Api} object over a lent gRPC client. */
export function createApi(context: ApiContext): Mixi2Api {
  const { governance, telemetry, ...rest } = context;
  const callContext: UnaryCallContext = governance.observe ? { ...rest, observe: governance.observe } : rest;
  const api: Partial<Record<Mixi2ApiMethod, unknown>> = {};
  for (const method of Object.keys(requestCodecs) as Mixi2ApiMethod[]) {
    const rpc = unaryRpcOf(method);
    const target = { source: 'mixi2', operation: rpc.rpcName, kind: 'call' } as const;
    api[method] = (request: unknown = {}) => timedCall(telemetry, target, governance.govern(method, unaryCall(callContext, rpc, request)));
  }
  return api as Mixi2Api;
}

function unaryRpcOf<M extends Mixi2ApiMethod>(method: M): UnaryRpc<ApiResponseOf<M>> {
  const definition = ApplicationServiceService[method] as unknown as {
    path: string;
    requestSerialize: (value: unknown) => Buffer;
    responseDeserialize: (value: Buffer) => ApiResponseOf<M>;
  };
  return {
    method,
    rpcName: definition.path.slice(definition.path.lastIndexOf('/') + 1),
    path: definition.path,
    requestSerialize: definition.requestSerialize,
    responseDeserialize: definition.responseDeserialize,
    fromPartial: requestCodecs[method].fromPartial as (partial: unknown) => ApiRequestOf<M>,
  };
}
