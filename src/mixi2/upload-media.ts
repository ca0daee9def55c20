import { asyncScheduler, catchError, concat, defer, filter, from, map, of, startWith, switchMap, throwError, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ApiError, AuthenticationError, InvalidArgumentError, RateLimitError, type StreamRxError } from '../core/errors.js';
import type { Mixi2Api } from './api.js';
import type { Mixi2Auth } from './auth.js';
import { checkMedia, type CheckedMedia, type Mixi2Media } from './media-input.js';
import { pollMediaStatus, type Mixi2MediaPolling } from './media-status-poll.js';
import { GetPostMediaStatusResponse_Status as MediaStatus } from './protocol.js';
import { uploadBytes, UploadRefusal } from './upload-bytes.js';

/**
 * Options of {@link Mixi2Client.uploadMedia}.
 *
 * @example
 * ```ts
 * client.uploadMedia(media, { polling: { initialDelay: 1000 }, restartsOnExpiredUrl: 0 });
 * ```
 */
export interface Mixi2UploadOptions {
  /** How GetPostMediaStatus is polled after the upload. @default { initialDelay: 500, multiplier: 1.5, maxDelay: 5000, timeout: 300000 } */
  polling?: Mixi2MediaPolling;
  /**
   * How many times an upload whose URL was refused as expired (HTTP 403 or 410; mixi2's URLs live 200 s for
   * an image, 600 s for a video) starts over from InitiatePostMediaUpload.
   * @default 1
   */
  restartsOnExpiredUrl?: number;
  /** Timers of the polling (a virtual-time test passes its scheduler). @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * One step of {@link Mixi2Client.uploadMedia} before its end: `'initiating'` (InitiatePostMediaUpload is
 * on its way; again after a restart), `'uploading'` (bytes flushed so far), `'processing'` (the bytes are
 * in; the status is being polled).
 *
 * @example
 * ```ts
 * const show = (p: Mixi2UploadProgress) => console.log(p.phase, `${p.sentBytes}/${p.totalBytes}`);
 * ```
 */
export interface Mixi2UploadProgress {
  /** Where the upload is. */
  phase: 'initiating' | 'uploading' | 'processing';
  /** The media id, once InitiatePostMediaUpload has answered. */
  mediaId: string | undefined;
  /** Bytes sent to the upload URL so far (0 while initiating). */
  sentBytes: number;
  /** The size of the media. */
  totalBytes: number;
}

/**
 * The last value of {@link Mixi2Client.uploadMedia}: the media is processed (`STATUS_COMPLETED`), and
 * `mediaId` can be attached to a post or a message.
 *
 * @example
 * ```ts
 * const done: Mixi2UploadCompleted = { phase: 'completed', mediaId: 'media-1', sentBytes: 10, totalBytes: 10 };
 * ```
 */
export interface Mixi2UploadCompleted {
  /** Always `'completed'`. */
  phase: 'completed';
  /** The id to attach (`CreatePost.mediaIdList`, `SendChatMessage.mediaId`, …). */
  mediaId: string;
  /** Equal to `totalBytes`. */
  sentBytes: number;
  /** The size of the media. */
  totalBytes: number;
}

/**
 * What {@link Mixi2Client.uploadMedia} emits: progress, then one {@link Mixi2UploadCompleted}.
 *
 * @example
 * ```ts
 * client.uploadMedia(media).subscribe((event: Mixi2UploadEvent) => console.log(event.phase));
 * ```
 */
export type Mixi2UploadEvent = Mixi2UploadProgress | Mixi2UploadCompleted;

/**
 * Keeps only the media id of an upload's {@link Mixi2UploadCompleted}, for composing with a post or a
 * message.
 *
 * @example
 * ```ts
 * client.uploadMedia(media).pipe(uploadedMediaId(), switchMap((id) => client.api.createPost({ text: 'look', mediaIdList: [id] })));
 * ```
 */
export function uploadedMediaId(): OperatorFunction<Mixi2UploadEvent, string> {
  return (source) => source.pipe(filter((event): event is Mixi2UploadCompleted => event.phase === 'completed'), map((event) => event.mediaId));
}

/** What an upload needs of its client. */
export interface UploadContext {
  api: Mixi2Api;
  auth: Mixi2Auth;
}

/** The upload flow of {@link Mixi2Client.uploadMedia} (see there). */
export function uploadMedia(context: UploadContext, media: Mixi2Media, options: Mixi2UploadOptions = {}): Observable<Mixi2UploadEvent> {
  return defer(() => {
    const restarts = options.restartsOnExpiredUrl ?? 1;
    if (!Number.isInteger(restarts) || restarts < 0) throw new InvalidArgumentError('uploadMedia: restartsOnExpiredUrl must be a non-negative integer');
    return attempt(context, checkMedia(media), options, restarts);
  });
}

function attempt(context: UploadContext, media: CheckedMedia, options: Mixi2UploadOptions, restartsLeft: number): Observable<Mixi2UploadEvent> {
  const totalBytes = media.size;
  const initiate = context.api.initiatePostMediaUpload({
    contentType: media.contentType,
    dataSize: BigInt(totalBytes),
    mediaType: media.mediaType,
    ...(media.description === undefined ? {} : { description: media.description }),
  });
  const flow = initiate.pipe(
    switchMap(({ mediaId, uploadUrl }) => {
      const processing: Mixi2UploadProgress = { phase: 'processing', mediaId, sentBytes: totalBytes, totalBytes };
      const completed: Mixi2UploadCompleted = { phase: 'completed', mediaId, sentBytes: totalBytes, totalBytes };
      return concat(
        send(context, media, uploadUrl).pipe(
          map((sentBytes): Mixi2UploadEvent => ({ phase: 'uploading', mediaId, sentBytes, totalBytes })),
          startWith<Mixi2UploadEvent>({ phase: 'uploading', mediaId, sentBytes: 0, totalBytes }),
        ),
        of(processing),
        pollMediaStatus(context.api, mediaId, options.polling ?? {}, options.scheduler ?? asyncScheduler).pipe(
          filter((status) => status === MediaStatus.STATUS_COMPLETED),
          map(() => completed),
        ),
      );
    }),
    catchError((error: unknown) => {
      if (error instanceof UploadRefusal && isExpiredUrl(error.status) && restartsLeft > 0) return attempt(context, media, options, restartsLeft - 1);
      return throwError(() => (error instanceof UploadRefusal ? refusalError(error) : error));
    }),
  );
  return flow.pipe(startWith<Mixi2UploadEvent>({ phase: 'initiating', mediaId: undefined, sentBytes: 0, totalBytes }));
}

/** POSTs the bytes; a 401 (the token expired meanwhile) is tried once more with a fresh token. */
function send(context: UploadContext, media: CheckedMedia, url: string): Observable<number> {
  const post = (refresh: boolean): Observable<number> =>
    from(context.auth.token({ refresh })).pipe(
      switchMap((token) => uploadBytes({ url, token, contentType: media.contentType, size: media.size, chunks: media.open() })),
    );
  return post(false).pipe(catchError((error: unknown) => (error instanceof UploadRefusal && error.status === 401 ? post(true) : throwError(() => error))));
}

const isExpiredUrl = (status: number): boolean => status === 403 || status === 410;

/** The streamrx error of a refused upload; never names the URL or the token. */
function refusalError({ status, body }: UploadRefusal): StreamRxError {
  if (status === 401) return new AuthenticationError('mixi2 media upload: the access token was refused (HTTP 401)');
  if (status === 413) return new InvalidArgumentError('mixi2 media upload: the service refused the media as too large (HTTP 413)');
  if (status === 429) return new RateLimitError('mixi2 media upload: rate-limited (HTTP 429)');
  if (isExpiredUrl(status)) return new ApiError(`mixi2 media upload: the upload URL was refused as expired (HTTP ${status}), also after starting over`, body, { status });
  return new ApiError(`mixi2 media upload failed: HTTP ${status}`, body, { status, retryable: status >= 500 });
}
