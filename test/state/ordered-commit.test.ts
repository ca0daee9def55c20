import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { asyncScheduler, mergeMap, of, Subject, throwError, timer, map } from 'rxjs';
import { CursorStoreError, InvalidArgumentError, memoryCursorStore, orderedCommit } from '../../src/index.js';
import { virtualStore } from './virtual-store.js';

const testScheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** Handler taking `duration` frames per event, emitting the event's name when done. */
const handleIn = (durations: Record<string, number>) => (event: string) => timer(durations[event] ?? 1).pipe(map(() => event));

describe('orderedCommit', () => {
  it('commits the newest event whose predecessors all completed (low-watermark), not the newest completed', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const store = virtualStore();
      const out = cold('abc|').pipe(
        orderedCommit(handleIn({ a: 10, b: 2, c: 3 }), { store, key: 'k', position: (e) => e, commitEvery: 1 }),
      );
      // b and c finish first; nothing may be committed before a (frame 10), then c at once.
      expectObservable(out).toBe('---b-c----(a|)');
      flush();
      expect(store.log).toEqual([{ at: 10, key: 'k', position: 'c' }]);
    });
  });

  it('batches commits by count and by time', () => {
    testScheduler().run(({ cold, flush }) => {
      const store = virtualStore();
      cold('abcde 96ms f').pipe(orderedCommit(handleIn({}), { store, key: 'k', position: (e) => e, commitEvery: 2, commitInterval: 50 })).subscribe();
      flush();
      // a,b → count; c,d → count; e alone → 50 frames after it was handled; f alone → 50 frames later.
      expect(store.log.map((w) => [w.at, w.position])).toEqual([
        [2, 'b'],
        [4, 'd'],
        [55, 'e'],
        [152, 'f'],
      ]);
    });
  });

  it('writes the last position before completing', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const store = virtualStore(5);
      const out = cold('ab|').pipe(orderedCommit(handleIn({}), { store, key: 'k', position: (e) => e, commitEvery: 100 }));
      expectObservable(out).toBe('-ab----|');
      flush();
      expect(store.log).toEqual([{ at: 7, key: 'k', position: 'b' }]);
    });
  });

  it('stops the commit point before a failed handler and passes its error on', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const store = virtualStore();
      const boom = new Error('boom');
      const handler = (e: string) => (e === 'c' ? timer(3).pipe(mergeMap(() => throwError(() => boom))) : timer(1).pipe(map(() => e)));
      const out = cold('abcd').pipe(orderedCommit(handler, { store, key: 'k', position: (e) => e, commitEvery: 100 }));
      expectObservable(out).toBe('-ab-d#', undefined, boom);
      flush();
      expect(store.log.map((w) => w.position)).toEqual(['b']);
    });
  });

  it('writes the watermark when unsubscribed, and cancels running handlers', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const store = virtualStore();
      const out = cold('abc').pipe(orderedCommit(handleIn({ c: 100 }), { store, key: 'k', position: (e) => e, commitEvery: 100 }));
      expectObservable(out, '^ 10ms !').toBe('-ab');
      flush();
      expect(store.log).toEqual([{ at: 11, key: 'k', position: 'b' }]);
    });
  });

  it('runs at most `concurrency` handlers, in a window after the oldest unfinished event', () => {
    testScheduler().run(({ cold, flush }) => {
      const store = virtualStore();
      let running = 0;
      let most = 0;
      const starts: Record<string, number> = {};
      const handler = (e: string) => {
        starts[e] = asyncScheduler.now();
        running += 1;
        most = Math.max(most, running);
        return timer(e === 'a' ? 20 : 1).pipe(map(() => (running -= 1)));
      };
      cold('(abcdef)').pipe(orderedCommit(handler, { store, key: 'k', position: (e) => e, concurrency: 3 })).subscribe();
      flush();
      expect(most).toBe(3);
      // a blocks the window: d waits for a although b and c finished at frame 1.
      expect(starts).toEqual({ a: 0, b: 0, c: 0, d: 20, e: 20, f: 20 });
    });
  });

  it('holds new events back while too many handled events wait for a slow store', () => {
    testScheduler().run(({ cold, flush }) => {
      const store = virtualStore(100);
      const starts: number[] = [];
      const handler = () => {
        starts.push(asyncScheduler.now());
        return of(null);
      };
      cold('(abcdefgh)').pipe(orderedCommit(handler, { store, key: 'k', position: (e) => e, commitEvery: 2, maxUncommitted: 4, concurrency: 1 })).subscribe();
      flush();
      // maxUncommitted handled events may wait; the rest start when the first write is durable.
      expect(starts).toEqual([0, 0, 0, 0, 100, 100, 200, 200]);
    });
  });

  it('errors with CursorStoreError when the store fails', async () => {
    const store = { read: () => Promise.resolve(undefined), write: () => Promise.reject(new Error('disk full')) };
    const errors: unknown[] = [];
    of(1, 2).pipe(orderedCommit((e) => of(e), { store, key: 'k', position: (e) => e, commitEvery: 1 })).subscribe({ error: (e) => errors.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]).toBeInstanceOf(CursorStoreError);
  });

  it('errors with CursorStoreError when the store throws instead of rejecting (a position that is not JSON)', async () => {
    const store = memoryCursorStore(); // its write throws InvalidArgumentError for undefined
    const errors: unknown[] = [];
    of(1, 2).pipe(orderedCommit((e) => of(e), { store, key: 'k', position: () => undefined, commitEvery: 1 })).subscribe({ error: (e) => errors.push(e) });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors[0]).toBeInstanceOf(CursorStoreError);
    expect((errors[0] as CursorStoreError).cause).toBeInstanceOf(InvalidArgumentError);
  });

  it('rejects bad options with InvalidArgumentError', () => {
    const store = memoryCursorStore();
    expect(() => orderedCommit(() => of(1), { store, key: '', position: () => 1 })).toThrow(InvalidArgumentError);
    expect(() => orderedCommit(() => of(1), { store, key: 'k', position: () => 1, concurrency: 0 })).toThrow(InvalidArgumentError);
    expect(() => orderedCommit(() => of(1), { store, key: 'k', position: () => 1, commitEvery: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('handles synchronous handlers without deep recursion', async () => {
    const store = memoryCursorStore();
    const source = new Subject<number>();
    const done = new Promise<void>((resolve) => source.pipe(orderedCommit((e) => of(e), { store, key: 'k', position: (e) => e })).subscribe({ complete: resolve }));
    for (let i = 0; i < 100_000; i++) source.next(i);
    source.complete();
    await done;
    expect(await store.read('k')).toBe(99_999);
  });
});
