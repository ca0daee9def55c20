import { readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CursorStoreError } from './cursor-store-error.js';
import { checkCursorKey, positionText, type CursorStore } from './cursor-store.js';
import { replaceDurably } from './durable-replace.js';

const FORMAT = 'streamrx-cursors';
const VERSION = 1;

/**
 * A {@link CursorStore} in one JSON file, the embedded default for a single process. Every position lives
 * in memory and the file is replaced atomically: written to a temporary file next to it, flushed to disk
 * (`fsync`), renamed over the old one, and the directory flushed. A process killed at any instant leaves
 * either the old file or the new one, never a torn one, and a write whose promise resolved is on disk.
 *
 * Writes are coalesced (group commit): while one replacement is being written, every position written
 * meanwhile waits for the next one, so a burst of writes costs one or two `fsync`s, not one per write.
 * One process per file: two processes writing the same file overwrite each other's keys.
 *
 * @param path - the cursor file; created on the first write, its directory must exist.
 * @param options - `coalesceMs`: the least time between two replacements under a steady stream of writes
 * (a write to an idle store is written at once). @default { coalesceMs: 50 }
 * @example
 * ```ts
 * const store = fileCursorStore('./cursors.json');
 * const last = await store.read<string>('misskey:mentions');
 * await store.write('misskey:mentions', 'a1b2c3');
 * await store.close();
 * ```
 */
export function fileCursorStore(path: string, options: FileCursorStoreOptions = {}): Required<CursorStore> & {
  /** File replacements written so far (one `fsync` of the file each): fewer than writes when they coalesce. */
  readonly flushes: number;
} {
  if (typeof path !== 'string' || path === '') throw new CursorStoreError('fileCursorStore: path must be a non-empty string', false);
  const { coalesceMs = 50 } = options;
  if (!(coalesceMs >= 0)) throw new CursorStoreError(`fileCursorStore: coalesceMs must be >= 0, got ${coalesceMs}`, false);
  return new FileCursorStore(resolve(path), coalesceMs);
}

/**
 * Options of {@link fileCursorStore}.
 *
 * @example
 * ```ts
 * fileCursorStore('./cursors.json', { coalesceMs: 50 });
 * ```
 */
export interface FileCursorStoreOptions {
  /**
   * The least time between two file replacements while writes keep coming, in ms: at most one `fsync` per
   * `coalesceMs` however many positions are written; a write waits at most this long more to be durable.
   * @default 50
   */
  coalesceMs?: number;
}

class FileCursorStore implements CursorStore {
  private loaded: Promise<Map<string, string>> | undefined;
  private ready: Map<string, string> | undefined;
  private nextFlush: Promise<void> | undefined;
  private lastFlush: Promise<void> = Promise.resolve();
  private temporaryCount = 0;
  /** Replacements written so far (one `fsync` of the file each). */
  flushes = 0;

  private lastFlushEnd = 0;

  constructor(
    private readonly path: string,
    private readonly coalesceMs: number,
  ) {}

  async read<P>(key: string): Promise<P | undefined> {
    checkCursorKey(key);
    const text = (await this.positions()).get(key);
    return text === undefined ? undefined : (JSON.parse(text) as P);
  }

  write(key: string, position: unknown): Promise<void> {
    let text: string;
    try {
      checkCursorKey(key);
      text = positionText(position);
    } catch (error) {
      return Promise.reject(error);
    }
    // Once loaded, the change and its flush are taken synchronously: close() right after sees them.
    if (this.ready) {
      this.ready.set(key, text);
      return this.flush();
    }
    return this.positions().then((positions) => {
      positions.set(key, text);
      return this.flush();
    });
  }

  async compareAndSet(key: string, expected: unknown, next: unknown): Promise<boolean> {
    checkCursorKey(key);
    const text = positionText(next);
    const positions = await this.positions();
    const current = positions.get(key);
    if (expected === undefined ? current !== undefined : current !== positionText(expected)) return false;
    positions.set(key, text);
    await this.flush();
    return true;
  }

  async close(): Promise<void> {
    await (this.nextFlush ?? this.lastFlush).catch(() => undefined);
  }

  private positions(): Promise<Map<string, string>> {
    this.loaded ??= this.load().then(
      (positions) => (this.ready = positions),
      (error: unknown) => {
        this.loaded = undefined; // the next call reads again: a retryable failure may have passed
        throw error;
      },
    );
    return this.loaded;
  }

  /** The flush that will carry every change made so far: the one not started yet, or a new one after the running one. */
  private flush(): Promise<void> {
    if (this.nextFlush) return this.nextFlush;
    const next = this.lastFlush
      .catch(() => undefined)
      .then(() => this.pause())
      .then(() => {
        this.nextFlush = undefined;
        return this.replaceFile();
      });
    this.nextFlush = next;
    this.lastFlush = next;
    return next;
  }

  /** Waits until `coalesceMs` after the previous replacement ended (no wait for an idle store). */
  private pause(): Promise<void> | undefined {
    const wait = this.lastFlushEnd + this.coalesceMs - Date.now();
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : undefined;
  }

  private async replaceFile(): Promise<void> {
    const positions = await this.positions();
    const entries = [...positions].map(([key, text]) => `${JSON.stringify(key)}:${text}`);
    const content = `{"format":"${FORMAT}","version":${VERSION},"positions":{${entries.join(',')}}}\n`;
    const temporary = `${this.path}.${process.pid}.${++this.temporaryCount}.tmp`;
    try {
      await replaceDurably(this.path, temporary, dirname(this.path), content);
      this.flushes += 1;
      this.lastFlushEnd = Date.now();
    } catch (error) {
      throw new CursorStoreError(`cannot write the cursor file ${this.path}`, true, { cause: error });
    }
  }

  private async load(): Promise<Map<string, string>> {
    await removeLeftovers(this.path);
    let content: string;
    try {
      content = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw new CursorStoreError(`cannot read the cursor file ${this.path}`, true, { cause: error });
    }
    return parseCursorFile(content, this.path);
  }
}

function parseCursorFile(content: string, path: string): Map<string, string> {
  let parsed: { format?: unknown; version?: unknown; positions?: unknown };
  try {
    parsed = JSON.parse(content) as typeof parsed;
  } catch (error) {
    throw new CursorStoreError(`${path} is not a cursor file (not JSON)`, false, { cause: error });
  }
  const { format, version, positions } = parsed ?? {};
  if (format !== FORMAT || version !== VERSION || typeof positions !== 'object' || positions === null) {
    throw new CursorStoreError(`${path} is not a version ${VERSION} cursor file`, false);
  }
  return new Map(Object.entries(positions).map(([key, value]) => [key, JSON.stringify(value)]));
}

/** Temporary files of processes killed while writing: never renamed, so never read. */
async function removeLeftovers(path: string): Promise<void> {
  const prefix = `${basename(path)}.`;
  const names = await readdir(dirname(path)).catch(() => [] as string[]);
  const leftovers = names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
  await Promise.all(leftovers.map((name) => unlink(join(dirname(path), name)).catch(() => undefined)));
}
