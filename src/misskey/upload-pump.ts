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
 * full (so a large file is never held in memory), and reports each chunk once it is flushed. Stops when the
 * request is destroyed (cancelled, timed out, or failed); a failure to read the file goes to `fail`.
 */
export async function pumpUpload(req: ClientRequest, body: MultipartBody, onSent: (bytes: number) => void, fail: (error: unknown) => void): Promise<void> {
  let sent = 0;
  const flushed = (bytes: number) => (error?: Error | null): void => {
    if (error) return;
    sent += bytes;
    onSent(sent);
  };
  try {
    for await (const chunk of body.chunks()) {
      if (req.destroyed) return;
      if (!req.write(chunk, flushed(chunk.byteLength))) await writable(req);
    }
    if (!req.destroyed) req.end();
  } catch (error) {
    fail(error);
  }
}
