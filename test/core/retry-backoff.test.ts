import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { Observable, VirtualTimeScheduler, defer, throwError } from 'rxjs';
import {
  AuthenticationError,
  ConnectionLostError,
  RateLimitError,
  mixi2ReconnectPolicy,
  retryBackoff,
  retryWait,
  type RetryAttempt,
} from '../../src/index.js';

const scheduler = (): TestScheduler => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('retryBackoff', () => {
  it('waits initialDelay × multiplier^n between attempts and rethrows the last error unchanged', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a#', undefined, 'boom');
      const out = source.pipe(retryBackoff({ initialDelay: 10, multiplier: 3, maxRetries: 2, resetOnValue: false }));
      expectObservable(out).toBe('-a 10ms -a 30ms -a#', undefined, 'boom');
      expectSubscriptions(source.subscriptions).toBe(['^-!', '12ms ^-!', '44ms ^-!']);
    });
  });

  it('follows the mixi2 policy: 1 s, 2 s, 4 s, then gives up', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('#', undefined, new ConnectionLostError()).pipe(retryBackoff(mixi2ReconnectPolicy));
      expectObservable(out).toBe('1s 2s 4s #', undefined, new ConnectionLostError());
    });
  });

  it('refills the budget when a retried source delivers a value', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a#').pipe(retryBackoff({ initialDelay: 10, maxRetries: 1 }));
      // Each retry delivers "a", so the single retry is granted again and again at the initial delay.
      expectObservable(out, '^ 62ms !').toBe('-a 10ms -a 10ms -a 10ms -a 10ms -a 10ms -a');
    });
  });

  it('without the refill, the delay keeps growing and the budget runs out', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('-a#').pipe(retryBackoff({ initialDelay: 10, maxRetries: 2, resetOnValue: false }));
      expectObservable(out).toBe('-a 10ms -a 20ms -a#');
    });
  });

  it('caps every delay at maxDelay', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('#').pipe(retryBackoff({ initialDelay: 10, multiplier: 10, maxDelay: 50, maxRetries: 3 }));
      expectObservable(out).toBe('10ms 50ms 50ms #');
    });
  });

  it('keeps jittered delays within [d(1-j), d(1+j)] using the injected random source', () => {
    const delays: number[] = [];
    const randoms = [0, 0.999999, 0.5];
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('#').pipe(
        retryBackoff({
          initialDelay: 100,
          maxRetries: 3,
          jitter: 0.5,
          maxDelay: 10_000,
          random: () => randoms.shift()!,
          onRetry: ({ delay }) => delays.push(delay),
        }),
      );
      expectObservable(out).toBe('50ms 300ms 400ms #');
    });
    expect(delays).toEqual([50, 300, 400]);
  });

  it('does not retry an error marked retryable: false', () => {
    scheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new AuthenticationError('bad credentials');
      const source = cold('-#', undefined, error);
      expectObservable(source.pipe(retryBackoff({ initialDelay: 10 }))).toBe('-#', undefined, error);
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('lets shouldRetry override the retryable flag, with the attempt number', () => {
    const asked: number[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('#', undefined, new AuthenticationError('x')).pipe(
        retryBackoff({ initialDelay: 5, shouldRetry: (_e, attempt) => (asked.push(attempt), attempt <= 2) }),
      );
      expectObservable(out).toBe('5ms 10ms #', undefined, new AuthenticationError('x'));
    });
    expect(asked).toEqual([1, 2, 3]);
  });

  it('waits at least the retryAfterMs a rate limit asked for', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const error = new RateLimitError('slow down', { retryAfterMs: 700 });
      const out = cold('#', undefined, error).pipe(retryBackoff({ initialDelay: 10, maxRetries: 1 }));
      expectObservable(out).toBe('700ms #', undefined, error);
    });
  });

  it('reports each wait through onRetry', () => {
    const attempts: RetryAttempt[] = [];
    scheduler().run(({ cold, expectObservable }) => {
      const out = cold('#', undefined, 'e').pipe(
        retryBackoff({ initialDelay: 10, maxRetries: 2, onRetry: (a) => attempts.push(a) }),
      );
      expectObservable(out).toBe('10ms 20ms #', undefined, 'e');
    });
    expect(attempts).toEqual([
      { error: 'e', attempt: 1, delay: 10 },
      { error: 'e', attempt: 2, delay: 20 },
    ]);
  });

  it('leaves no timer behind when unsubscribed during a pending delay', () => {
    const virtual = new VirtualTimeScheduler();
    let subscriptions = 0;
    const failing = defer(() => {
      subscriptions++;
      return throwError(() => new ConnectionLostError());
    });
    const subscription = failing.pipe(retryBackoff({ initialDelay: 1000, scheduler: virtual })).subscribe();
    expect(virtual.actions.length).toBe(1);
    subscription.unsubscribe();
    virtual.flush();
    expect(subscriptions).toBe(1);
    expect(virtual.actions.filter((a) => !a.closed)).toHaveLength(0);
  });

  it('works outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const seen: string[] = [];
    let attempt = 0;
    const source = new Observable<string>((s) => {
      attempt++;
      if (attempt < 3) s.error(new ConnectionLostError());
      else s.next(`ok after ${virtual.now()} ms`);
    });
    source.pipe(retryBackoff({ initialDelay: 100, scheduler: virtual })).subscribe((v) => seen.push(v));
    virtual.flush();
    expect(seen).toEqual(['ok after 300 ms']);
  });
});

describe('retryWait', () => {
  it('gives the same waits as retryBackoff, reports each, and stops past maxRetries or at a terminal error', () => {
    const seen: RetryAttempt[] = [];
    const options = { initialDelay: 100, multiplier: 3, maxDelay: 500, maxRetries: 3, onRetry: (a: RetryAttempt) => seen.push(a) };
    const lost = new ConnectionLostError('dropped');
    expect([1, 2, 3, 4].map((attempt) => retryWait(lost, attempt, options))).toEqual([100, 300, 500, undefined]);
    expect(seen.map((a) => a.delay)).toEqual([100, 300, 500]);
    expect(retryWait(new AuthenticationError('revoked'), 1, options)).toBeUndefined();
    expect(retryWait(new RateLimitError('slow down', { retryAfterMs: 2000 }), 1, options)).toBe(2000);
    expect(retryWait(lost, 1, { ...options, shouldRetry: () => false })).toBeUndefined();
  });
});
