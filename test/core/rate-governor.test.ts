import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { defer, merge, mergeMap, of, type Observable } from 'rxjs';
import { InvalidArgumentError, RateGovernor, RateLimitQueueFullError, type RateGovernorState, type RateRule } from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A governor with `rules` for key "k" and none for any other key. */
const governorOf = (rules: RateRule[], maxQueued?: number): RateGovernor =>
  new RateGovernor({ rules: (key) => (key === 'k' ? rules : []), ...(maxQueued === undefined ? {} : { maxQueued }) });

/** Each value of `source` becomes one governed call of `key` that answers with the value. */
const calls = (governor: RateGovernor, key: string, source: Observable<string>): Observable<string> =>
  source.pipe(mergeMap((v) => governor.schedule(key, of(v))));

describe('RateGovernor', () => {
  it('shares one budget between the pipelines that use it', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([{ limit: 2, window: 10 }]);
      expectObservable(calls(governor, 'k', cold('(ab)'))).toBe('(ab)');
      expectObservable(calls(governor, 'k', cold('(cd)'))).toBe('10ms (cd)');
    });
  });

  it('starts the calls of a key in FIFO order and never lets one key delay another', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([{ limit: 1, window: 10 }]);
      expectObservable(calls(governor, 'k', cold('(abc)'))).toBe('a 9ms b 9ms c');
      expectObservable(calls(governor, 'other', cold('(xyz)'))).toBe('(xyz)');
    });
  });

  it('counts the start, not the subscription: a call unsubscribed while waiting costs nothing', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const governor = governorOf([{ limit: 1, window: 10 }]);
      const abandoned = cold('a');
      expectObservable(governor.schedule('k', of('first'))).toBe('(f|)', { f: 'first' });
      expectObservable(governor.schedule('k', abandoned), '^ 4ms !').toBe('');
      expectObservable(cold('6ms x').pipe(mergeMap(() => governor.schedule('k', of('third'))))).toBe('10ms t', { t: 'third' });
      expectSubscriptions(abandoned.subscriptions).toBe([]);
    });
  });

  it('holds every caller of a key until holdUntil, and the longer of two holds wins', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([]);
      governor.holdUntil('k', 30);
      governor.holdUntil('k', 20);
      expectObservable(calls(governor, 'k', cold('a'))).toBe('30ms a');
      expectObservable(calls(governor, 'k', cold('5ms b'))).toBe('30ms b');
      expectObservable(calls(governor, 'other', cold('c'))).toBe('c');
    });
  });

  it('applies a hold that comes while calls already wait', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([{ limit: 1, window: 10 }]);
      cold('5ms h').subscribe(() => governor.holdUntil('k', 40));
      expectObservable(calls(governor, 'k', cold('(ab)'))).toBe('a 39ms b');
    });
  });

  it('holds until the reset when the server says 0 remain, and allows that many starts otherwise', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([]);
      governor.observeRemaining('k', 0, 25);
      expectObservable(calls(governor, 'k', cold('a'))).toBe('25ms a');
      governor.observeRemaining('other', 2, 50);
      expectObservable(calls(governor, 'other', cold('(xyz)'))).toBe('(xy) 46ms z');
    });
  });

  it('lifts an exhausted allowance as soon as a newer answer grants more', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([]);
      governor.observeRemaining('k', 1, 100);
      cold('7ms g').subscribe(() => governor.observeRemaining('k', 5, 200));
      expectObservable(calls(governor, 'k', cold('(ab)'))).toBe('a 6ms b');
    });
  });

  it('enforces every rule of a key: 2 per 10 ms and 3 per 100 ms', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([
        { limit: 2, window: 10 },
        { limit: 3, window: 100 },
      ]);
      expectObservable(calls(governor, 'k', cold('(abcde)'))).toBe('(ab) 6ms c 89ms (de)');
    });
  });

  it('reports queued calls, held keys, waits and the time waited', () => {
    const test = scheduler();
    let during: RateGovernorState | undefined;
    let after: RateGovernorState | undefined;
    test.run(({ cold, flush }) => {
      const governor = governorOf([{ limit: 1, window: 10 }]);
      calls(governor, 'k', cold('(abc)')).subscribe();
      governor.holdUntil('held', 50);
      governor.observeRemaining('spent', 1, 70);
      governor.schedule('spent', of(1)).subscribe();
      cold('5ms s').subscribe(() => (during = governor.state()));
      cold('80ms s').subscribe(() => (after = governor.state()));
      flush();
    });
    expect(during).toEqual({
      queued: 2,
      held: [
        { key: 'held', until: 50 },
        { key: 'spent', until: 70 },
      ],
      waits: 2,
      waitedMs: 0,
    });
    // At 80 ms: b waited 10 ms, c 20 ms; both holds have ended.
    expect(after).toEqual({ queued: 0, held: [], waits: 2, waitedMs: 30 });
  });

  it('errors with RateLimitQueueFullError past maxQueued, leaving the waiting calls alone', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([{ limit: 1, window: 10 }], 1);
      expectObservable(governor.schedule('k', of('a'))).toBe('(a|)');
      expectObservable(governor.schedule('k', of('b'))).toBe('10ms (b|)');
      expectObservable(governor.schedule('k', cold('c'))).toBe('#', undefined, new RateLimitQueueFullError(1));
    });
  });

  it('is cold: nothing is counted until subscribe', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const governor = governorOf([{ limit: 1, window: 10 }]);
      const unused = governor.schedule('k', of('never'));
      expect(unused).toBeDefined();
      expectObservable(merge(governor.schedule('k', of('a')), governor.schedule('k', defer(() => of('b'))))).toBe('a 9ms (b|)');
      expectObservable(cold('-')).toBe('-');
    });
  });

  it('rejects bad rules and observations with a typed error', () => {
    scheduler().run(({ expectObservable }) => {
      const governor = governorOf([{ limit: 0, window: 10 }]);
      expectObservable(governor.schedule('k', of(1))).toBe('#', undefined, new InvalidArgumentError('RateGovernor rule of "k": limit must be a positive integer, got 0'));
    });
    const governor = governorOf([]);
    expect(() => governor.observeRemaining('k', -1, 10)).toThrow(InvalidArgumentError);
    expect(() => governor.holdUntil('k', Number.NaN)).toThrow(InvalidArgumentError);
    expect(() => new RateGovernor({ maxQueued: -1 })).toThrow(InvalidArgumentError);
  });
});
