import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { marbles } from '../../src/testing/marbles.js';
import { IdleTimeoutError, retryBackoff, watchdog } from '../../src/index.js';

describe('marbles()', () => {
  it('runs a whole pipeline with watchdog and retryBackoff in virtual time', () =>
    marbles(({ cold, expectObservable }) => {
      const source = cold('a');
      const pipeline = source.pipe(watchdog(60_000), retryBackoff({ initialDelay: 1000, maxRetries: 1, resetOnValue: false }));
      expectObservable(pipeline).toBe('a 60999ms a 59999ms #', undefined, new IdleTimeoutError(60_000));
    }));

  it('fails when the observed marbles differ from the expected ones', () => {
    expect(() =>
      marbles(({ cold, expectObservable }) => {
        expectObservable(cold('-a|').pipe(map((v) => v.toUpperCase()))).toBe('-a|');
      }),
    ).toThrow();
  });

  it('accepts the runner’s own equality', () =>
    marbles(
      ({ cold, expectObservable }) => {
        expectObservable(cold('-a|', { a: 1 }).pipe(map((n) => n * 2))).toBe('-b|', { b: 2 });
      },
      { assertDeepEqual: (a, e) => expect(a).toEqual(e) },
    ));
});
