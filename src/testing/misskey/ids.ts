const epoch = 946_684_800_000;

/** Options of {@link aidxGenerator}. */
export interface AidxOptions {
  /** Clock, in ms since the Unix epoch. @default Date.now */
  now?: () => number;
  /** The 4 base-36 characters that name the server process in every id. @default 's335' */
  node?: string;
}

/**
 * Produces Misskey "aidx" ids, the format a Misskey 2026.3.2 server sends (e.g. `au2l2kces3350003`): 8
 * base-36 characters of milliseconds since 2000-01-01, 4 characters naming the server process, then a
 * 4-character counter. Ids sort lexicographically in creation order, as the timeline endpoints assume.
 *
 * @example
 * ```ts
 * const nextId = aidxGenerator();
 * nextId().length; // 16
 * nextId() < nextId(); // true
 * ```
 */
export function aidxGenerator({ now = Date.now, node = 's335' }: AidxOptions = {}): () => string {
  if (!/^[0-9a-z]{4}$/.test(node)) throw new RangeError('node must be 4 base-36 characters');
  let counter = 0;
  let lastTime = 0;
  return () => {
    const time = Math.max(now() - epoch, lastTime);
    if (time !== lastTime) counter = 0;
    lastTime = time;
    counter += 1;
    return time.toString(36).padStart(8, '0') + node + counter.toString(36).padStart(4, '0');
  };
}
