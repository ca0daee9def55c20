import { map, type Observable } from 'rxjs';
import { uploadedDriveFile, type MisskeyClient } from '../src/misskey/index.js';
import { uploadedMediaId, type Mixi2Api, type Mixi2Client } from '../src/mixi2/index.js';
import type { Mention } from './mentions.js';
import type { MisskeyLink } from './misskey-link.js';

/**
 * A chart ready to upload: the PNG bytes and their description (the alt text, also quoted in the reply).
 *
 * @example
 * ```ts
 * const picture: ChartPicture = { png: encodePng(renderBarChart([1, 2])), description: 'your numbers: 1, 2' };
 * ```
 */
export interface ChartPicture {
  /** A PNG file. */
  png: Buffer;
  /** What it shows, in words. */
  description: string;
}

/**
 * How one network is answered: upload the picture (emitting the media or file id), then reply with it
 * (emitting the reply's id). {@link mixi2ChartReplier} and {@link misskeyChartReplier} build them from clients;
 * a test passes its own.
 *
 * @example
 * ```ts
 * const replier: ChartReplier = { upload: () => of('media-1'), reply: () => of('post-2') };
 * ```
 */
export interface ChartReplier {
  /** Uploads the PNG; emits its media id (mixi2) or drive file id (Misskey). */
  upload(picture: ChartPicture): Observable<string>;
  /** Posts the reply to `mention` carrying the uploaded media; emits the reply's id. */
  reply(mention: Mention, text: string, mediaId: string): Observable<string>;
}


/**
 * Answers on mixi2: `uploadMedia` (an image with the description as its alt text), then `CreatePost`
 * replying with the media. Both go through the client's rate governor (20 calls per minute per RPC by
 * default, `initiatePostMediaUpload` also 200 per hour).
 *
 * @example
 * ```ts
 * chartReplyHandler({ repliers: { mixi2: mixi2ChartReplier(mixi2ClientFromEnv()) } });
 * ```
 */
export function mixi2ChartReplier(client: { uploadMedia: Mixi2Client['uploadMedia']; api: Pick<Mixi2Api, 'createPost'> }): ChartReplier {
  return {
    upload: ({ png, description }) => client.uploadMedia({ data: png, contentType: 'image/png', mediaType: 'image', description }).pipe(uploadedMediaId()),
    reply: (mention, text, mediaId) =>
      client.api.createPost({ text, inReplyToPostId: mention.postId, mediaIdList: [mediaId] }).pipe(map((response) => response.post?.postId ?? '')),
  };
}

/**
 * Answers on Misskey: `uploadFile` (`chart.png`, the description as its comment), then `notes/create`
 * replying with the file, in the mention's visibility (a `specified` mention gets a reply only its author
 * sees). Both go through the client's rate governor; give the client `http: { rateLimits:
 * misskeyUserRateLimits }` to stay under a real server's 300 notes per hour.
 *
 * @example
 * ```ts
 * chartReplyHandler({ repliers: { misskey: misskeyChartReplier(misskeyFromEnv({ http: { rateLimits: misskeyUserRateLimits } })) } });
 * ```
 */
export function misskeyChartReplier(client: { uploadFile: MisskeyClient['uploadFile']; api: MisskeyLink['api'] }): ChartReplier {
  return {
    upload: ({ png, description }) =>
      client.uploadFile(png, { name: 'chart.png', comment: description }).pipe(
        uploadedDriveFile(),
        map((file) => file.id),
      ),
    reply: (mention, text, fileId) => {
      const visibility = mention.visibility ?? 'public';
      const audience = visibility === 'specified' ? { visibleUserIds: [mention.authorId] } : {};
      return client.api('notes/create', { text, replyId: mention.postId, fileIds: [fileId], visibility, ...audience }).pipe(map(({ createdNote }) => createdNote.id));
    },
  };
}

