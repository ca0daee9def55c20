import type { ClientRequest } from 'node:http';
import type { MultipartBody } from './multipart-body.js';

/** Resolves when `req` can take more data, or when it is gone (closed, errored or answered early). */
function writable(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/**
 * Writes a multipart body to a request chunk by chunk, waiting for `drain` when the socket's buffer is
 * full (so a large file is never held in memory), and reports each chunk once it is flushed. When the
 * request closes before the body is written (cancelled, timed out, answered early, failed) the body is
 * disposed of, which also ends a read waiting on a stream; a failure to read the file goes to `fail`.
 *
 * @example
 * ```ts
 * void pumpUpload(req, multipartBody({ file }), (sent) => console.log(sent), (error) => req.destroy(error as Error));
 * ```
 */
export async function pumpUpload(req: ClientRequest, body: MultipartBody, onSent: (bytes: number) => void, fail: (error: unknown) => void): Promise<void> {
  let sent = 0;
  const flushed = (bytes: number) => (error?: Error | null): void => {
    if (error) return;
    sent += bytes;
    onSent(sent);
  };
  let written = false;
  req.once('close', () => {
    if (!written) body.dispose();
  });
  try {
    for await (const chunk of body.chunks()) {
      if (req.destroyed) return;
      if (!req.write(chunk, flushed(chunk.byteLength))) await writable(req);
    }
    written = true;
    if (!req.destroyed) req.end();
  } catch (error) {
    if (!req.destroyed) fail(error);
  }
}
