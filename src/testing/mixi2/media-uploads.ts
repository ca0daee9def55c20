import type { IncomingMessage, ServerResponse } from 'node:http';
import { GetPostMediaStatusResponse_Status as MediaStatus, InitiatePostMediaUploadRequest_Type as MediaType } from '../../mixi2/protocol.js';
import type { EmulatedMedia, Mixi2Store } from './store.js';
import { bearerOf, type TokenIssuer } from './token-issuer.js';

/** How long an upload URL is valid, in ms, per media type (mixi2 documents 200 s for images, 600 s for videos). */
const URL_VALIDITY_MS = { [MediaType.TYPE_IMAGE]: 200_000, [MediaType.TYPE_VIDEO]: 600_000 } as const;

/** What InitiatePostMediaUpload announces. */
export interface UploadAnnouncement {
  contentType: string;
  dataSize: bigint;
  mediaType: MediaType;
  description?: string | undefined;
}

/**
 * The emulator's media side: upload URLs that expire, the HTTP POST of the bytes (bearer and size checked),
 * the status progression UPLOAD_PENDING → PROCESSING → COMPLETED (or FAILED) advanced by each poll, and
 * the faults the controls script.
 */
export class EmulatedMediaUploads {
  /** Uploads still to come whose processing ends FAILED. */
  failuresPending = 0;
  /** Polls of GetPostMediaStatus that answer PROCESSING before the result. */
  processingPolls = 1;
  /** Upload URLs still to be issued already expired. */
  expiredUrlsPending = 0;
  /** Uploads received in full. */
  received = 0;
  /** Uploads the client aborted before the end of the body. */
  aborted = 0;

  constructor(
    private readonly store: Mixi2Store,
    private readonly issuer: TokenIssuer,
    private readonly now: () => number,
  ) {}

  /** Registers a media upload and returns its id and upload URL (under `uploadBase`). */
  initiate(announcement: UploadAnnouncement, uploadBase: string): { mediaId: string; uploadUrl: string } {
    const mediaId = this.store.nextId('media');
    const expired = this.expiredUrlsPending > 0;
    if (expired) this.expiredUrlsPending -= 1;
    const validity = URL_VALIDITY_MS[announcement.mediaType as keyof typeof URL_VALIDITY_MS] ?? URL_VALIDITY_MS[MediaType.TYPE_IMAGE];
    this.store.media.set(mediaId, {
      mediaId,
      dataSize: announcement.dataSize,
      contentType: announcement.contentType,
      mediaType: announcement.mediaType,
      ...(announcement.description === undefined ? {} : { description: announcement.description }),
      status: MediaStatus.STATUS_UPLOAD_PENDING,
      uploadUrlExpiresAt: expired ? -Infinity : this.now() + validity,
    });
    return { mediaId, uploadUrl: `${uploadBase}/upload/${mediaId}` };
  }

  /** The status a poll sees; a poll of processed media advances it. `undefined` for an unknown id. */
  poll(mediaId: string): MediaStatus | undefined {
    const media = this.store.media.get(mediaId);
    if (media?.status !== MediaStatus.STATUS_PROCESSING) return media?.status;
    if ((media.pollsLeft ?? 0) > 0) {
      media.pollsLeft = (media.pollsLeft ?? 0) - 1;
      return media.status;
    }
    media.status = media.willFail ? MediaStatus.STATUS_FAILED : MediaStatus.STATUS_COMPLETED;
    return media.status;
  }

  /** Serves `GET /media/<mediaId>`: the bytes of a COMPLETED upload (what a post's media URLs point to), 404 otherwise. */
  serve(mediaId: string, response: ServerResponse): void {
    const media = this.store.media.get(mediaId);
    if (media?.status !== MediaStatus.STATUS_COMPLETED || media.bytes === undefined) return json(response, 404, { error: 'not_found' });
    response.writeHead(200, { 'content-type': media.uploadContentType ?? media.contentType ?? 'application/octet-stream' }).end(media.bytes);
  }

  /** Serves `POST /upload/<mediaId>`: refusals answer before the body is read (the rest is drained). */
  handle(mediaId: string, request: IncomingMessage, response: ServerResponse): void {
    const media = this.store.media.get(mediaId);
    const refusal = this.refusalOf(media, request);
    if (refusal !== undefined || media === undefined) return refuse(request, response, refusal ?? [404, 'not_found']);
    this.receive(media, request, response);
  }

  private refusalOf(media: EmulatedMedia | undefined, request: IncomingMessage): [number, string] | undefined {
    if (request.method !== 'POST') return [405, 'method_not_allowed'];
    if (media === undefined) return [404, 'not_found'];
    if (!this.issuer.isValid(bearerOf(request.headers.authorization))) return [401, 'unauthorized'];
    if (this.now() >= media.uploadUrlExpiresAt) return [403, 'upload_url_expired'];
    if (media.status !== MediaStatus.STATUS_UPLOAD_PENDING) return [409, 'already_uploaded'];
    if (Number(request.headers['content-length'] ?? 0) > Number(media.dataSize)) return [413, 'payload_too_large'];
    return undefined;
  }

  private receive(media: EmulatedMedia, request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > Number(media.dataSize)) {
        refused = true;
        return refuse(request, response, [413, 'payload_too_large']);
      }
      chunks.push(chunk);
    });
    request.on('close', () => {
      if (!request.complete) this.aborted += 1;
    });
    request.on('end', () => {
      if (refused) return;
      if (size !== Number(media.dataSize)) return json(response, 400, { error: 'size_mismatch' });
      this.received += 1;
      media.bytes = Buffer.concat(chunks, size);
      media.uploadContentType = request.headers['content-type'];
      media.status = MediaStatus.STATUS_PROCESSING;
      media.pollsLeft = this.processingPolls;
      media.willFail = this.failuresPending > 0;
      if (media.willFail) this.failuresPending -= 1;
      json(response, 200, {});
    });
  }
}

function refuse(request: IncomingMessage, response: ServerResponse, [status, error]: [number, string]): void {
  response.setHeader('connection', 'close');
  json(response, status, { error });
  request.resume();
}

function json(response: ServerResponse, status: number, body: object): void {
  if (!response.headersSent) response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
