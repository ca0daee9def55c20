import { asyncScheduler } from 'rxjs';
import type { CursorStore } from '../../src/index.js';

/** A write that settles on the rxjs scheduler (virtual inside TestScheduler.run), not in a microtask. */
function settleLater(delay: number, settle: () => void): Promise<void> {
  const thenable = {
    then(resolve?: () => void) {
      if (delay === 0) {
        settle();
        resolve?.();
      } else {
        asyncScheduler.schedule(() => {
          settle();
          resolve?.();
        }, delay);
      }
    },
  };
  return thenable as unknown as Promise<void>;
}

/**
 * A cursor store for marble tests: each write becomes durable `writeDelay` frames later on the rxjs
 * scheduler, and every durable write is recorded with its virtual time.
 */
export function virtualStore(writeDelay = 0): CursorStore & { durable: Map<string, unknown>; log: Array<{ at: number; key: string; position: unknown }> } {
  const durable = new Map<string, unknown>();
  const log: Array<{ at: number; key: string; position: unknown }> = [];
  return {
    durable,
    log,
    read: <P>(key: string) => Promise.resolve(durable.get(key) as P | undefined),
    write: (key, position) =>
      settleLater(writeDelay, () => {
        durable.set(key, position);
        log.push({ at: asyncScheduler.now(), key, position });
      }),
  };
}
