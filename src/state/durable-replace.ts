import { close, fsync, open, rename, unlink, writeFile } from 'node:fs';

/** One callback-style `node:fs` call as a promise (a third of the CPU of the `FileHandle` API per call here). */
function call<V>(start: (done: (error: NodeJS.ErrnoException | null, value?: V) => void) => void): Promise<V> {
  return new Promise<V>((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as V))));
}

async function writeSynced(path: string, content: string): Promise<void> {
  const fd = await call<number>((done) => open(path, 'w', done));
  try {
    // writeFile on a descriptor loops until every byte is written (a single write may be partial).
    await call((done) => writeFile(fd, content, 'utf8', done));
    await call((done) => fsync(fd, done));
  } finally {
    await call((done) => close(fd, done));
  }
}

/** Makes a rename durable; some platforms cannot open a directory for it and keep renames durable anyway. */
async function syncDirectory(directory: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await call<number>((done) => open(directory, 'r', done));
    await call((done) => fsync(fd as number, done));
  } catch {
    // EISDIR/EPERM on platforms without directory fsync.
  } finally {
    if (fd !== undefined) await call((done) => close(fd as number, done)).catch(() => undefined);
  }
}

/**
 * Replaces `path` by `content` atomically and durably: written to `temporary` next to it, flushed to disk,
 * renamed over `path`, and the directory flushed. A crash at any instant leaves the old file or the new
 * one; on failure the temporary file is removed and the error passed on.
 */
export async function replaceDurably(path: string, temporary: string, directory: string, content: string): Promise<void> {
  try {
    await writeSynced(temporary, content);
    await call((done) => rename(temporary, path, done));
  } catch (error) {
    await call((done) => unlink(temporary, done)).catch(() => undefined);
    throw error;
  }
  await syncDirectory(directory);
}
