import { checkCursorKey, positionText, type CursorStore } from './cursor-store.js';

/**
 * A {@link CursorStore} in memory: nothing survives the process. For tests, marble diagrams and pipelines
 * that only need commits inside one run. Positions are copied (stored as JSON), like every other store.
 *
 * @example
 * ```ts
 * const store = memoryCursorStore();
 * await store.write('k', 7);
 * await store.read('k'); // 7
 * ```
 */
export function memoryCursorStore(): Omit<Required<CursorStore>, 'close'> & {
  /** Writes so far (a test can check how often a pipeline committed). */
  readonly writes: number;
} {
  const positions = new Map<string, string>();
  let writes = 0;
  // async: a bad key or position rejects, as with every store, instead of throwing.
  const read = async <P>(key: string): Promise<P | undefined> => {
    const text = positions.get(checkCursorKey(key));
    return text === undefined ? undefined : (JSON.parse(text) as P);
  };
  const write = async (key: string, position: unknown): Promise<void> => {
    positions.set(checkCursorKey(key), positionText(position));
    writes += 1;
  };
  const compareAndSet = async (key: string, expected: unknown, next: unknown): Promise<boolean> => {
    const current = positions.get(checkCursorKey(key));
    const matches = expected === undefined ? current === undefined : current === positionText(expected);
    if (!matches) return false;
    await write(key, next);
    return true;
  };
  return {
    read,
    write,
    compareAndSet,
    get writes() {
      return writes;
    },
  };
}
