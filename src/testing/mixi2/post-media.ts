import { InitiatePostMediaUploadRequest_Type as UploadType, PostMediaType, type PostMedia } from '../../mixi2/protocol.js';
import { sniffFileType } from '../misskey/file-sniffing.js';
import type { EmulatedMedia } from './store.js';

/**
 * The `PostMedia` a created post carries for one uploaded media: its type and, for an image, the URLs where
 * the emulator serves the bytes (`GET <mediaBase>/media/<mediaId>`; the large and small versions are the same
 * file), the MIME type read from the bytes (else the upload's `Content-Type`, else the announced one) and the
 * size in pixels for PNG and GIF (0 when unknown). A video gets its URL and MIME type; the emulator decodes no
 * video, so its size, duration and preview are empty.
 *
 * @param media - an upload that is COMPLETED.
 * @param mediaBase - the origin of the emulator's HTTP side (where uploads go).
 * @example
 * ```ts
 * postMediaOf(store.media.get('media-emu-1')!, 'http://127.0.0.1:40123');
 * // { mediaType: 1, content: { $case: 'image', value: { largeImageUrl: 'http://127.0.0.1:40123/media/media-emu-1', … } } }
 * ```
 */
export function postMediaOf(media: EmulatedMedia, mediaBase: string): PostMedia {
  const url = `${mediaBase}/media/${media.mediaId}`;
  const sniffed = media.bytes === undefined ? undefined : sniffFileType(media.bytes);
  const mimeType = sniffed?.type ?? media.uploadContentType ?? media.contentType ?? '';
  if (media.mediaType === UploadType.TYPE_VIDEO) {
    const video = { videoUrl: url, videoMimeType: mimeType, videoHeight: 0, videoWidth: 0, previewImageUrl: '', previewImageMimeType: '', previewImageHeight: 0, previewImageWidth: 0, duration: 0 };
    return { mediaType: PostMediaType.POST_MEDIA_TYPE_VIDEO, content: { $case: 'video', value: video } };
  }
  const [width, height] = [sniffed?.width ?? 0, sniffed?.height ?? 0];
  const image = {
    largeImageUrl: url,
    largeImageMimeType: mimeType,
    largeImageHeight: height,
    largeImageWidth: width,
    smallImageUrl: url,
    smallImageMimeType: mimeType,
    smallImageHeight: height,
    smallImageWidth: width,
  };
  return { mediaType: PostMediaType.POST_MEDIA_TYPE_IMAGE, content: { $case: 'image', value: image } };
}
