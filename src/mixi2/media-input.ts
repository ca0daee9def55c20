import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../core/errors.js';
import { InitiatePostMediaUploadRequest_Type as MediaType } from './protocol.js';

/**
 * The largest media mixi2 accepts, in bytes (its docs: image 15 MB, video 50 MB, read as decimal
 * megabytes, the cautious reading). {@link Mixi2Client.uploadMedia} checks them before any call.
 *
 * @example
 * ```ts
 * if (bytes.length > mixi2MediaLimits.image) console.warn('too large for mixi2');
 * ```
 */
export const mixi2MediaLimits: Readonly<{
  /** Largest image, in bytes: 15,000,000. */
  image: number;
  /** Largest video, in bytes: 50,000,000. */
  video: number;
}> = Object.freeze({ image: 15_000_000, video: 50_000_000 });

/**
 * One media to upload to mixi2 with {@link Mixi2Client.uploadMedia}.
 *
 * @example
 * ```ts
 * const media: Mixi2Media = { data: await readFile('cat.png'), contentType: 'image/png', description: 'a cat' };
 * const video: Mixi2Media = { data: () => createReadStream('clip.mp4'), size: 12_345_678, contentType: 'video/mp4' };
 * ```
 */
export interface Mixi2Media {
  /**
   * The bytes: a `Uint8Array` (a `Buffer` too), a `Blob`, a Node `Readable`, or a function returning a fresh
   * `Readable` for each attempt. A plain `Readable` can be sent only once: when an expired upload URL calls
   * for a second attempt, it ends the upload with `InvalidArgumentError`; give a function to allow it.
   */
  data: Uint8Array | Blob | Readable | (() => Readable);
  /** The size in bytes; required for a `Readable` (the upload announces it first). @default the length of `data` */
  size?: number;
  /** The MIME type sent as the upload's `Content-Type`, e.g. `'image/jpeg'`, `'video/mp4'`. */
  contentType: string;
  /** Image or video (mixi2 limits them to 15 MB and 50 MB). @default 'video' for a `video/*` content type, else 'image' */
  mediaType?: 'image' | 'video';
  /** Alternative text of the media. @default none */
  description?: string;
}

/** A media input checked and normalized: its size, its wire type, and a way to read it per attempt. */
export interface CheckedMedia {
  readonly size: number;
  readonly mediaType: MediaType;
  readonly contentType: string;
  readonly description: string | undefined;
  /**
   * The bytes for one attempt: an array when they are all in memory (written at once), else a stream.
   * Throws `InvalidArgumentError` when a one-shot `Readable` is asked twice.
   */
  readonly open: () => readonly Uint8Array[] | AsyncIterable<Uint8Array>;
}

/** Checks a {@link Mixi2Media} (size, limits, type) without reading it; throws `InvalidArgumentError`. */
export function checkMedia(media: Mixi2Media): CheckedMedia {
  if (typeof media?.contentType !== 'string' || media.contentType === '') throw new InvalidArgumentError('uploadMedia: contentType is required, e.g. "image/png"');
  const kind = media.mediaType ?? (media.contentType.startsWith('video/') ? 'video' : 'image');
  if (kind !== 'image' && kind !== 'video') throw new InvalidArgumentError(`uploadMedia: mediaType must be 'image' or 'video', got ${String(kind)}`);
  const size = sizeOf(media);
  if (!Number.isSafeInteger(size) || size <= 0) throw new InvalidArgumentError('uploadMedia: the media is empty or its size is unknown (give `size` with a Readable)');
  if (size > mixi2MediaLimits[kind]) {
    throw new InvalidArgumentError(`uploadMedia: ${size} bytes exceeds mixi2's ${kind} limit of ${mixi2MediaLimits[kind]} bytes`);
  }
  return {
    size,
    mediaType: kind === 'video' ? MediaType.TYPE_VIDEO : MediaType.TYPE_IMAGE,
    contentType: media.contentType,
    description: media.description,
    open: opener(media.data),
  };
}

function sizeOf(media: Mixi2Media): number {
  const known = media.data instanceof Uint8Array ? media.data.byteLength : media.data instanceof Blob ? media.data.size : undefined;
  if (known !== undefined && media.size !== undefined && media.size !== known) {
    throw new InvalidArgumentError(`uploadMedia: size ${media.size} does not match the ${known} bytes of data`);
  }
  return known ?? media.size ?? Number.NaN;
}

/** Largest piece written at once: small enough for steady progress, large enough to cost nothing. */
const CHUNK = 1024 * 1024;

function opener(data: Mixi2Media['data']): () => readonly Uint8Array[] | AsyncIterable<Uint8Array> {
  if (data instanceof Uint8Array) return () => [...slices(data)];
  if (data instanceof Blob) return () => data.stream() as unknown as AsyncIterable<Uint8Array>;
  if (typeof data === 'function') return () => data();
  if (!(data instanceof Readable)) throw new InvalidArgumentError('uploadMedia: data must be a Uint8Array, a Blob, a Readable or a function returning a Readable');
  let opened = false;
  return () => {
    if (opened) throw new InvalidArgumentError('uploadMedia: a Readable can be sent only once; give a function returning a fresh Readable to allow a second attempt');
    opened = true;
    return data;
  };
}

function* slices(data: Uint8Array): Generator<Uint8Array> {
  for (let offset = 0; offset < data.byteLength; offset += CHUNK) yield data.subarray(offset, offset + CHUNK);
}
