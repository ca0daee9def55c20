/**
 * Produces Misskey-like "aid" ids: 8 base-36 characters of milliseconds since 2000-01-01, then a 4-character
 * counter, so ids sort lexicographically in creation order (as the timeline endpoints assume).
 *
 * @example
 * ```ts
 * const nextId = aidGenerator();
 * nextId() < nextId(); // true
 * ```
 */
export function aidGenerator(now: () => number = Date.now): () => string {
  const epoch = 946_684_800_000;
  let counter = 0;
  let lastTime = 0;
  return () => {
    const time = Math.max(now() - epoch, lastTime);
    if (time !== lastTime) counter = 0;
    lastTime = time;
    counter += 1;
    return time.toString(36).padStart(8, '0') + counter.toString(36).padStart(4, '0');
  };
}
