import { concatMap, defer, from, switchMap, toArray, type Observable } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Mixi2Api } from './api.js';
import type { DeepPartial } from './deep-partial.js';
import type { Mixi2Media } from './media-input.js';
import type { CreatePostRequest, CreatePostResponse, SendChatMessageRequest, SendChatMessageResponse } from './protocol.js';
import { uploadedMediaId, type Mixi2UploadEvent, type Mixi2UploadOptions } from './upload-media.js';

/** Uploads one media (the client's `uploadMedia`). */
export type MediaUploader = (media: Mixi2Media, options?: Mixi2UploadOptions) => Observable<Mixi2UploadEvent>;

/** Uploads the media one after the other and creates the post with their ids after any already in `request`. */
export function postWithMedia(
  api: Mixi2Api,
  upload: MediaUploader,
  request: DeepPartial<CreatePostRequest>,
  media: readonly Mixi2Media[],
  options?: Mixi2UploadOptions,
): Observable<CreatePostResponse> {
  return defer(() => {
    const already = request.mediaIdList ?? [];
    if (already.length + media.length > 4) throw new InvalidArgumentError(`postWithMedia: a post carries at most 4 media, got ${already.length + media.length}`);
    return from(media).pipe(
      concatMap((one) => upload(one, options).pipe(uploadedMediaId())),
      toArray(),
      switchMap((ids) => api.createPost({ ...request, mediaIdList: [...already, ...ids] })),
    );
  });
}

/** Uploads the media and sends the chat message carrying it. */
export function sendChatMessageWithMedia(
  api: Mixi2Api,
  upload: MediaUploader,
  request: DeepPartial<SendChatMessageRequest>,
  media: Mixi2Media,
  options?: Mixi2UploadOptions,
): Observable<SendChatMessageResponse> {
  return upload(media, options).pipe(
    uploadedMediaId(),
    switchMap((mediaId) => api.sendChatMessage({ ...request, mediaId })),
  );
}
