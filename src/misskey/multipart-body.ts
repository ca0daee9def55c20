import { randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../core/errors.js';
import { filePartOf, isFileValue, type FilePart } from './file-value.js';

/**
 * A `multipart/form-data` request body, streamed: its exact length is known before the first byte, and
 * its bytes are produced part by part (the files' bytes as they are read, never joined into one buffer).
 *
 * @example
 * ```ts
 * const body = multipartBody({ i: token, file: bytes, name: 'cat.png' });
 * request(url, { headers: { 'Content-Type': body.contentType, 'Content-Length': body.length } });
 * ```
 */
export interface MultipartBody {
  /** `multipart/form-data; boundary=…`. */
  readonly contentType: string;
  /** Total byte length of the body. */
  readonly length: number;
  /** Whether {@link chunks} can be iterated again (false when a file is a stream). */
  readonly replayable: boolean;
  /** The body's bytes in order. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Releases the files' sources when the upload is abandoned (a stream is destroyed, so a pending read ends). */
  dispose(): void;
}

/**
 * A name or file name quoted for `Content-Disposition`: `"`, CR and LF escaped as browsers' `FormData` does
 * (`%22`, `%0D`, `%0A`), and `\` doubled, since servers' parsers (busboy, behind Misskey) undo backslash
 * escapes in quoted strings.
 */
function quoted(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}"`;
}

function fieldText(param: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    throw new InvalidArgumentError(`param "${param}" cannot be sent in a form (not JSON-serialisable)`);
  }
}

type Piece = Uint8Array | FilePart;

/**
 * Encodes params as `multipart/form-data`: every param that is not a file becomes a text field (strings as
 * they are, numbers and booleans as text, objects as JSON; `null` and `undefined` are left out), in the
 * order given, before the file parts (Misskey reads the fields that precede the file). File values (see
 * {@link isFileValue}) become file parts whose file name is the value's own (`File.name`,
 * `SizedReadable.name`) or `blob`. Names with `"`, CR or LF are escaped as browsers do, `\` is doubled;
 * other characters are sent as UTF-8. Throws {@link streamrx!InvalidArgumentError} for a bad file value.
 *
 * @example
 * ```ts
 * const body = multipartBody({ i: token, name: 'cat.png', file: await openAsBlob('cat.png') });
 * body.length; // bytes, for Content-Length
 * ```
 */
export function multipartBody(params: Record<string, unknown>, boundary = `----streamrx${randomBytes(12).toString('hex')}`): MultipartBody {
  const fields: Piece[] = [];
  const files: Piece[] = [];
  let length = 0;
  let replayable = true;
  const push = (into: Piece[], piece: Piece): void => {
    into.push(piece);
    length += piece instanceof Uint8Array ? piece.byteLength : piece.size;
  };
  for (const [param, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (!isFileValue(value)) {
      push(fields, Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(param)}\r\n\r\n${fieldText(param, value)}\r\n`));
      continue;
    }
    const file = filePartOf(param, value as object);
    replayable &&= file.replayable;
    const type = file.type.replace(/[\r\n]/g, '') || 'application/octet-stream';
    const filename = quoted(file.name ?? 'blob');
    push(files, Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name=${quoted(param)}; filename=${filename}\r\nContent-Type: ${type}\r\n\r\n`));
    push(files, file);
    push(files, Buffer.from('\r\n'));
  }
  push(files, Buffer.from(`--${boundary}--\r\n`));
  const pieces = [...fields, ...files];
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    replayable,
    chunks: async function* () {
      for (const piece of pieces) {
        if (piece instanceof Uint8Array) yield piece;
        else yield* piece.chunks();
      }
    },
    dispose: () => {
      for (const piece of pieces) if (!(piece instanceof Uint8Array)) piece.dispose();
    },
  };
}

/**
 * Whether any param is a file value, which makes the call a multipart upload. Looks only at the params'
 * own values, so it costs a few nanoseconds on an ordinary JSON call.
 *
 * @example
 * ```ts
 * hasFileParam({ text: 'hi' }); // false
 * ```
 */
export function hasFileParam(params: object | undefined): boolean {
  for (const key in params) {
    const value = (params as Record<string, unknown>)[key];
    if (typeof value === 'object' && value !== null && isFileValue(value)) return true;
  }
  return false;
}
