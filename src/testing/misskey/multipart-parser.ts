/** One part of a `multipart/form-data` body. */
export interface MultipartPart {
  /** The form field name (`Content-Disposition` `name`). */
  name: string;
  /** The file name, for a file part; `undefined` for a text field. */
  filename: string | undefined;
  /** The part's `Content-Type`, if it declared one. */
  type: string | undefined;
  /** The part's bytes (a view into the body, not a copy). */
  data: Buffer;
}

/**
 * A body that is not well-formed `multipart/form-data`; `message` says what is wrong.
 * @example
 * ```ts
 * try { parseMultipart(body, boundary); } catch (e) { if (e instanceof MultipartParseError) answer400(e.message); }
 * ```
 */
export class MultipartParseError extends Error {
  override readonly name = 'MultipartParseError';
}

/** Parts one body may have, and bytes one part's headers may take: a bad body must not cost much to refuse. */
const MAX_PARTS = 1000;
const MAX_HEADER_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The boundary of a `multipart/form-data` content type (quoted or not); `undefined` for any other type or
 * a missing or over-long (> 70 characters, RFC 2046) boundary.
 *
 * @example
 * ```ts
 * boundaryOf('multipart/form-data; boundary="abc"'); // 'abc'
 * ```
 */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary !== undefined && boundary.length <= 70 ? boundary : undefined;
}

/** The `name` and `filename` of a `Content-Disposition: form-data; …` header; quotes undone, `\"` unescaped. */
function dispositionOf(value: string): { name: string | undefined; filename: string | undefined } {
  if (!/^\s*form-data\s*(;|$)/i.test(value)) throw new MultipartParseError('a part is not form-data');
  const params = new Map<string, string>();
  for (const [, key, quoted, bare] of value.matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g)) {
    params.set((key as string).toLowerCase(), quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (bare as string).trim());
  }
  return { name: params.get('name'), filename: params.get('filename') };
}

function headersOf(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new MultipartParseError('a part header has no name');
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function partAt(body: Buffer, start: number, end: number): MultipartPart {
  const headerEnd = body.indexOf(HEADER_END, start);
  if (headerEnd < 0 || headerEnd > end) throw new MultipartParseError('a part has no end of headers');
  if (headerEnd - start > MAX_HEADER_BYTES) throw new MultipartParseError('a part has too many header bytes');
  const headers = headersOf(body.toString('utf8', start, headerEnd));
  const disposition = headers.get('content-disposition');
  if (disposition === undefined) throw new MultipartParseError('a part has no Content-Disposition');
  const { name, filename } = dispositionOf(disposition);
  if (name === undefined) throw new MultipartParseError('a part has no name');
  return { name, filename, type: headers.get('content-type'), data: body.subarray(headerEnd + HEADER_END.length, end) };
}

/**
 * Parses a whole `multipart/form-data` body: a preamble is skipped, each part needs a
 * `Content-Disposition: form-data` with a `name`, the body must end with the closing delimiter. Throws
 * {@link MultipartParseError} for anything else; never anything worse, whatever the bytes.
 *
 * @example
 * ```ts
 * const parts = parseMultipart(body, boundaryOf(req.headers['content-type'])!);
 * parts.find((p) => p.filename !== undefined)?.data; // the file's bytes
 * ```
 */
export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const first = body.indexOf(delimiter);
  if (first < 0 || (first > 0 && body.indexOf(between) !== first - 2)) throw new MultipartParseError('no opening boundary');
  const parts: MultipartPart[] = [];
  let cursor = first + delimiter.length;
  for (;;) {
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) return parts; // "--": the closing delimiter
    if (body.indexOf(CRLF, cursor) !== cursor) throw new MultipartParseError('a boundary is not followed by CRLF');
    const start = cursor + CRLF.length;
    const end = body.indexOf(between, start);
    if (end < 0) throw new MultipartParseError('the body ends inside a part');
    if (parts.length >= MAX_PARTS) throw new MultipartParseError(`more than ${MAX_PARTS} parts`);
    parts.push(partAt(body, start, end));
    cursor = end + between.length;
  }
}
