import { Metadata, status as Status, type CallOptions, type Client } from '@grpc/grpc-js';
import { catchError, from, Observable, switchMap, throwError } from 'rxjs';
import type { Mixi2Auth } from './auth.js';
import { grpcErrorToStreamRx, isGrpcStatusError } from './grpc-errors.js';
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
  type DeepPartial,
} from './gen/social/mixi/application/service/application_api/v1/service.js';

type ApiDefinition = typeof ApplicationServiceService;
/**
 * The lower-camel names of the 15 unary RPCs of `application_api.v1.ApplicationService`.
 *
 * @example
 * ```ts
 * const method: Mixi2ApiMethod = 'createPost';
 * ```
 */
export type Mixi2ApiMethod = keyof ApiDefinition;
/**
 * The request message of an API method.
 *
 * @example
 * ```ts
 * const request: Mixi2ApiRequest<'createPost'> = CreatePostRequest.fromPartial({ text: 'hi' });
 * ```
 */
export type Mixi2ApiRequest<M extends Mixi2ApiMethod> = Parameters<ApiDefinition[M]['requestSerialize']>[0];
/**
 * The response message of an API method.
 *
 * @example
 * ```ts
 * const handle = (response: Mixi2ApiResponse<'createPost'>) => response.post?.postId;
 * ```
 */
export type Mixi2ApiResponse<M extends Mixi2ApiMethod> = ReturnType<ApiDefinition[M]['responseDeserialize']>;

/**
 * Every unary RPC of the mixi2 Application API as a method taking the request (fields may be left out;
 * proto3 `optional` fields stay absent unless given) and returning a cold Observable of the response.
 * Nothing is sent until subscription; unsubscribing cancels the call. gRPC statuses become streamrx errors:
 * RESOURCE_EXHAUSTED → `RateLimitError` (with `retryAfterMs`), UNAUTHENTICATED → one retry with a fresh
 * token, then `AuthenticationError`, PERMISSION_DENIED → `PermissionError`, others → `ApiError` with `status`.
 *
 * @example
 * ```ts
 * client.api.createPost({ text: 'hello', inReplyToPostId: post.postId }).subscribe(({ post }) => console.log(post?.postId));
 * client.api.getStamps({ officialStampLanguage: LanguageCode.LANGUAGE_CODE_JP });
 * ```
 */
export type Mixi2Api = {
  readonly [M in Mixi2ApiMethod]: (request?: DeepPartial<Mixi2ApiRequest<M>>) => Observable<Mixi2ApiResponse<M>>;
};

interface RequestCodec<T> {
  fromPartial(object: DeepPartial<T>): T;
}

const requestCodecs: { readonly [M in Mixi2ApiMethod]: RequestCodec<Mixi2ApiRequest<M>> } = {
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
export interface ApiContext {
  auth: Mixi2Auth;
  authKey: string | undefined;
  /** Lends the gRPC client for the duration of one call. */
  acquire(): Client;
  release(): void;
  /** Per-call deadline in milliseconds. */
  timeout: number;
}

/** Builds the {@link Mixi2Api} object over a lent gRPC client. */
export function createApi(context: ApiContext): Mixi2Api {
  const api: Partial<Record<Mixi2ApiMethod, unknown>> = {};
  for (const method of Object.keys(requestCodecs) as Mixi2ApiMethod[]) {
    api[method] = (request: unknown = {}) => callApi(context, method, request);
  }
  return api as Mixi2Api;
}

function callApi<M extends Mixi2ApiMethod>(context: ApiContext, method: M, partial: unknown): Observable<Mixi2ApiResponse<M>> {
  const definition = ApplicationServiceService[method];
  const rpcName = definition.path.slice(definition.path.lastIndexOf('/') + 1);
  const once = (refresh: boolean): Observable<Mixi2ApiResponse<M>> =>
    from(context.auth.token({ refresh })).pipe(
      switchMap((token) => unaryCall<M>(context, method, token, partial)),
      catchError((error: unknown) =>
        !refresh && isGrpcStatusError(error) && error.code === Status.UNAUTHENTICATED
          ? once(true)
          : throwError(() => grpcErrorToStreamRx(error, rpcName)),
      ),
    );
  return once(false);
}

function unaryCall<M extends Mixi2ApiMethod>(context: ApiContext, method: M, token: string, partial: unknown): Observable<Mixi2ApiResponse<M>> {
  return new Observable<Mixi2ApiResponse<M>>((subscriber) => {
    const definition = ApplicationServiceService[method] as unknown as {
      path: string;
      requestSerialize: (value: unknown) => Buffer;
      responseDeserialize: (value: Buffer) => Mixi2ApiResponse<M>;
    };
    let request: Mixi2ApiRequest<M>;
    try {
      request = requestCodecs[method].fromPartial(partial as DeepPartial<Mixi2ApiRequest<M>>);
    } catch (error) {
      subscriber.error(error);
      return undefined;
    }
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    if (context.authKey !== undefined) metadata.set('x-auth-key', context.authKey);
    const options: Partial<CallOptions> = context.timeout === Infinity ? {} : { deadline: Date.now() + context.timeout };
    const client = context.acquire();
    let done = false;
    const call = client.makeUnaryRequest(definition.path, definition.requestSerialize, definition.responseDeserialize, request, metadata, options, (error, response) => {
      if (done) return;
      done = true;
      context.release();
      if (error) subscriber.error(error);
      else if (response === undefined) subscriber.error(new Error(`${method}: empty response`));
      else {
        subscriber.next(response);
        subscriber.complete();
      }
    });
    return () => {
      if (done) return;
      done = true;
      call.cancel();
      context.release();
    };
  });
}
