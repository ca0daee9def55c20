import { deepStrictEqual } from 'node:assert/strict';
import { TestScheduler, type RunHelpers } from 'rxjs/testing';

/** Options of {@link marbles}. */
export interface MarblesOptions {
  /**
   * Compares what a marble assertion observed with what it expected, throwing on a difference.
   * Pass your runner's own deep equality (e.g. `(a, e) => expect(a).toEqual(e)`) for its diff output.
   * @default node:assert's deepStrictEqual
   */
  assertDeepEqual?: (actual: unknown, expected: unknown) => void;
}

/**
 * Runs `body` inside `TestScheduler.run()`: `cold`, `hot`, `expectObservable`, `expectSubscriptions`,
 * `time` and `flush` work in virtual time, and so does every rxjs timer used inside, including those of
 * `retryBackoff`, `watchdog`, `dedupeBy` and `correlate` (1 frame = 1 virtual ms, `1s`/`10ms` time
 * progression). Works under any test runner; failures throw.
 *
 * @example
 * ```ts
 * import { marbles } from 'streamrx/testing';
 * import { retryBackoff, watchdog } from 'streamrx';
 *
 * it('reconnects a stalled source after 60 s of silence', () =>
 *   marbles(({ cold, expectObservable }) => {
 *     const source = cold('a');
 *     expectObservable(source.pipe(watchdog(60_000), retryBackoff({ initialDelay: 1000 })), '^ 70s !')
 *       .toBe('a 60999ms a');
 *   }));
 * ```
 */
export function marbles<T>(body: (helpers: RunHelpers) => T, options: MarblesOptions = {}): T {
  const assertDeepEqual = options.assertDeepEqual ?? ((actual, expected) => deepStrictEqual(actual, expected));
  return new TestScheduler(assertDeepEqual).run(body);
}
