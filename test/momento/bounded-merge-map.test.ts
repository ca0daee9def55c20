import { from, lastValueFrom, map, Observable, of, range, throwError, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { boundedMergeMap } from '../../src/momento/bounded-merge-map.js';

const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('boundedMergeMap', () => {
  it('runs at most `concurrency` inners, starting waiting values in source order (marbles)', () => {
    scheduler().run(({ cold, hot, expectObservable }) => {
      const source = hot('  a-b-c-d-|');
      const inner = (v: string) => cold('---(x|)', { x: v.toUpperCase() });
      expectObservable(source.pipe(boundedMergeMap(inner, 2))).toBe('---A-B-C-(D|)');
    });
  });

  it('with concurrency 1 keeps the source order whatever the inner durations', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const durations: Record<string, string> = { a: '----(x|)', b: '-(x|)', c: '--(x|)' };
      const source = cold('(abc|)');
      const result = source.pipe(boundedMergeMap((v) => cold(durations[v]!, { x: v }), 1));
      expectObservable(result).toBe('----ab-(c|)');
    });
  });

  it('survives 200,000 synchronously completing inners without deep recursion', async () => {
    const results = await lastValueFrom(range(0, 200_000).pipe(boundedMergeMap((v) => of(v), 3), toArray()));
    expect(results).toHaveLength(200_000);
    expect(results[199_999]).toBe(199_999);
  });

  it('passes the index, propagates an inner error and unsubscribes the other inners', async () => {
    let unsubscribed = 0;
    const pending = () =>
      new Observable<number>(() => () => {
        unsubscribed += 1;
      });
    const project = (v: number, index: number) =>
      v === 2 ? timer(1).pipe(map((): number => { throw new Error(`bad #${index}`); })) : pending();
    await expect(lastValueFrom(from([0, 1, 2]).pipe(boundedMergeMap(project, 3)))).rejects.toThrow('bad #2');
    expect(unsubscribed).toBe(2);
  });

  it('errors when the source errors', async () => {
    await expect(lastValueFrom(throwError(() => new Error('src')).pipe(boundedMergeMap((v) => of(v), 2)))).rejects.toThrow('src');
  });
});
