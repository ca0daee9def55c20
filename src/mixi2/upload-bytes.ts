import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline, Readable, Transform } from 'node:stream';
import { Observable } from 'rxjs';
import { ConnectionLostError, InvalidArgumentError } from '../core/errors.js';

/** What one POST of the bytes needs. */
export interface UploadRequest {
  /** The upload URL (a secret: never put into an error). */
  url: string;
  token: string;
  contentType: string;
  size: number;
  /** An array of bytes in memory (written at once, progress as each part is flushed), or a stream. */
  chunks: readonly Uint8Array[] | AsyncIterable<Uint8Array>;
}

/** The upload URL answered with a non-2xx status (its body, parsed when JSON). */
export class UploadRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upload refused with HTTP ${status}`);
  }
}

/**
 * POSTs the bytes to the upload URL with the bearer token: emits the bytes sent so far (bytes in memory: as
 * each part is flushed; a stream: as handed on, with backpressure), completes on a 2xx answer, errors with
 * {@link UploadRefusal} on another status and with `ConnectionLostError` when the connection fails. Unsubscribing destroys the request (the server sees it
 * aborted).
 */
export function uploadBytes(upload: UploadRequest): Observable<number> {
  return new Observable<number>((subscriber) => {
    let url: URL;
    try {
      url = new URL(upload.url);
    } catch {
      subscriber.error(new InvalidArgumentError('mixi2 media upload: the service returned an upload URL that is not a URL'));
      return undefined;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${upload.token}`, 'content-type': upload.contentType, 'content-length': String(upload.size) },
    });
    let answered = false;
    req.on('response', (response) => {
      answered = true;
      readAnswer(response).then(
        ({ status, body }) => {
          // Answered before the whole body went out: stop sending. Otherwise the connection is kept for reuse.
          if (!req.writableFinished) req.destroy();
          if (status >= 200 && status < 300) subscriber.complete();
          else subscriber.error(new UploadRefusal(status, body));
        },
        (error: unknown) => subscriber.error(new ConnectionLostError('mixi2 media upload: the answer was cut', { cause: error })),
      );
    });
    req.on('error', (error) => {
      if (!answered) subscriber.error(new ConnectionLostError('mixi2 media upload: the connection failed', { cause: withoutUrl(error) }));
    });
    const report = (sent: number): void => subscriber.next(sent);
    if (isArray(upload.chunks)) writeAll(req, upload.chunks, report);
    else {
      stream(req, upload.chunks, report, (error) => {
        if (!answered) subscriber.error(error);
      });
    }
    return () => req.destroy();
  });
}

function isArray(chunks: UploadRequest['chunks']): chunks is readonly Uint8Array[] {
  return Array.isArray(chunks);
}

/** Queues every part at once (as `end(bytes)` would) and reports each part once flushed. */
function writeAll(req: ClientRequest, parts: readonly Uint8Array[], report: (sent: number) => void): void {
  let sent = 0;
  for (const part of parts) {
    req.write(part, (error) => {
      if (error) return;
      sent += part.byteLength;
      report(sent);
    });
  }
  req.end();
}

/** Pipes a stream into the request with backpressure; a failure of the source or the connection goes to `fail`. */
function stream(req: ClientRequest, chunks: AsyncIterable<Uint8Array>, report: (sent: number) => void, fail: (error: Error) => void): void {
  const source = Readable.from(chunks, { objectMode: false });
  let sourceError: Error | undefined;
  source.on('error', (error) => (sourceError = error));
  pipeline(source, counting(report), req, (error) => {
    if (!error || isPrematureClose(error)) return;
    fail(sourceError ?? new ConnectionLostError('mixi2 media upload: the connection failed', { cause: withoutUrl(error) }));
  });
}

/** A pass-through that reports the bytes handed on so far. */
function counting(onSent: (sent: number) => void): Transform {
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.length;
      onSent(sent);
      done(null, chunk);
    },
  });
}

async function readAnswer(response: IncomingMessage): Promise<{ status: number; body: unknown }> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return { status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  } catch {
    return { status: response.statusCode ?? 0, body: text.slice(0, 200) };
  }
}

/** A socket error keeps its code and syscall, not its message (which may name the URL's host). */
function withoutUrl(error: Error): Error {
  const code = (error as NodeJS.ErrnoException).code;
  return Object.assign(new Error(code ?? 'network error'), { code });
}

/** The error a pipeline reports when the request is destroyed on purpose (answered early, or unsubscribed). */
function isPrematureClose(error: Error): boolean {
  return (error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE';
}
