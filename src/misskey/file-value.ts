import { Readable } from 'node:stream';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * A Node stream of known length, uploaded as it is read (never buffered whole). The size is needed for the
 * request's `Content-Length` and for progress; a stream that yields a different number of bytes fails the
 * upload with {@link streamrx!InvalidArgumentError}. A stream can be read once, so such an upload is never retried.
 *
 * @example
 * ```ts
 * const { size } = await stat('cat.png');
 * const file: SizedReadable = { stream: createReadStream('cat.png'), size, type: 'image/png', name: 'cat.png' };
 * ```
 */
export interface SizedReadable {
  /** The bytes. */
  readonly stream: Readable;
  /** How many bytes `stream` yields. */
  readonly size: number;
  /** The part's declared content type (the server sniffs the content anyway). @default 'application/octet-stream' */
  readonly type?: string;
  /** The part's file name (a `name` param wins on the server). @default 'blob' */
  readonly name?: string;
}

/**
 * What an upload accepts as a file: a `Blob` (a `File`, or `fs.openAsBlob(path)`, which reads the file
 * lazily), bytes in memory, or a Node stream with its size. A bare `Readable` is refused with
 * {@link streamrx!InvalidArgumentError}: wrap it as a {@link SizedReadable}.
 *
 * @example
 * ```ts
 * const file: FileValue = await openAsBlob('cat.png', { type: 'image/png' });
 * ```
 */
export type FileValue = Blob | Uint8Array | SizedReadable;

function isReadableStream(value: object): value is Readable {
  return value instanceof Readable || (typeof (value as Readable).pipe === 'function' && typeof (value as Readable).read === 'function');
}

function isSizedReadable(value: object): value is SizedReadable {
  const stream = (value as { stream?: unknown }).stream;
  return typeof stream === 'object' && stream !== null && isReadableStream(stream);
}

/**
 * Whether a param value is a file (and so makes the call a multipart upload): a `Blob`, a `Uint8Array`
 * (any typed array view of bytes), a {@link SizedReadable}, or a bare `Readable` (refused later for its
 * unknown size).
 *
 * @example
 * ```ts
 * isFileValue(new Uint8Array([1])); // true
 * isFileValue('text'); // false
 * ```
 */
export function isFileValue(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return value instanceof Blob || value instanceof Uint8Array || isReadableStream(value) || isSizedReadable(value);
}

/** A file param checked and measured, ready to be encoded. */
export interface FilePart {
  /** Byte length. */
  readonly size: number;
  /** Declared content type. */
  readonly type: string;
  /** File name of the part, when the value carries one. */
  readonly name: string | undefined;
  /** Whether the bytes can be read again (for a retry). */
  readonly replayable: boolean;
  /** The bytes, in chunks, without copying them into one buffer. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Releases the source when an upload is abandoned (destroys a stream; nothing for bytes and Blobs). */
  dispose(): void;
}

async function* blobChunks(blob: Blob): AsyncIterable<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  } finally {
    reader.releaseLock();
  }
}

async function* streamChunks(file: SizedReadable, param: string): AsyncIterable<Uint8Array> {
  let seen = 0;
  for await (const chunk of file.stream as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    seen += bytes.byteLength;
    if (seen > file.size) throw new InvalidArgumentError(`file "${param}": the stream yields more than its stated size of ${file.size} bytes`);
    yield bytes;
  }
  if (seen !== file.size) throw new InvalidArgumentError(`file "${param}": the stream ended after ${seen} of its stated ${file.size} bytes`);
}

/**
 * Checks and measures a file param; throws {@link streamrx!InvalidArgumentError} for a bare `Readable`
 * (unknown size), a bad size or a stream already read.
 *
 * @example
 * ```ts
 * filePartOf('file', new Uint8Array([1, 2])).size; // 2
 * ```
 */
export function filePartOf(param: string, value: object): FilePart {
  if (value instanceof Blob) {
    const name = (value as { name?: unknown }).name;
    return { size: value.size, type: value.type, name: typeof name === 'string' ? name : undefined, replayable: true, chunks: () => blobChunks(value), dispose: () => undefined };
  }
  if (value instanceof Uint8Array) {
    return { size: value.byteLength, type: '', name: undefined, replayable: true, chunks: async function* () { yield value; }, dispose: () => undefined };
  }
  if (!isSizedReadable(value)) throw new InvalidArgumentError(`file "${param}": a Readable needs its size; pass { stream, size } (or a Blob, e.g. fs.openAsBlob(path))`);
  const { size, stream } = value;
  if (!Number.isSafeInteger(size) || size < 0) throw new InvalidArgumentError(`file "${param}": size must be a non-negative integer, got ${String(size)}`);
  if (stream.readableEnded || stream.destroyed) throw new InvalidArgumentError(`file "${param}": the stream was already read or destroyed`);
  return { size, type: value.type ?? '', name: value.name, replayable: false, chunks: () => streamChunks(value, param), dispose: () => stream.destroy() };
}
