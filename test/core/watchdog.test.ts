import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { Subject, VirtualTimeScheduler } from 'rxjs';
import { IdleTimeoutError, retryBackoff, watchdog } from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('watchdog', () => {
  it('errors with IdleTimeoutError after idleMs of silence since the last value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('a 9ms b').pipe(watchdog(20));
      expectObservable(out).toBe('a 9ms b 19ms #', undefined, new IdleTimeoutError(20));
    });
  });

  it('stays quiet while values keep coming, and passes completion through', () => {
    scheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a 14ms b 14ms c|').pipe(watchdog(20))).toBe('a 14ms b 14ms c|');
    });
  });

  it('counts heartbeats as life without emitting them', () => {
    scheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const pings = hot('15ms p 19ms p 19ms p');
      const out = cold('a').pipe(watchdog(25, { heartbeats: pings }));
      // Last ping at 55 ms; silence until 80 ms.
      expectObservable(out).toBe('a 79ms #', undefined, new IdleTimeoutError(25));
      expectSubscriptions(pings.subscriptions).toBe('^ 79ms !');
    });
  });

  it('recovers a stalled source when placed before retryBackoff', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const stalled = cold('a');
      const out = stalled.pipe(watchdog(30), retryBackoff({ initialDelay: 10, maxRetries: 1, resetOnValue: false }));
      expectObservable(out).toBe('a 39ms a 29ms #', undefined, new IdleTimeoutError(30));
    });
  });

  it('releases its timer, heartbeat and source subscriptions on unsubscribe', () => {
    const virtual = new VirtualTimeScheduler();
    const heartbeats = new Subject<void>();
    const source = new Subject<number>();
    const subscription = source.pipe(watchdog(100, { heartbeats, scheduler: virtual })).subscribe();
    expect(heartbeats.observed).toBe(true);
    expect(source.observed).toBe(true);
    subscription.unsubscribe();
    expect(heartbeats.observed).toBe(false);
    expect(source.observed).toBe(false);
    expect(virtual.actions.filter((a) => !a.closed)).toHaveLength(0);
  });

  it('works outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const source = new Subject<number>();
    let error: unknown;
    source.pipe(watchdog(100, { scheduler: virtual })).subscribe({ error: (e) => (error = e) });
    virtual.schedule(() => source.next(1), 60);
    virtual.flush();
    expect(error).toBeInstanceOf(IdleTimeoutError);
    expect(virtual.now()).toBe(160);
  });
});
