import type { CacheClient } from '@gomomento/sdk';
import { status } from '@grpc/grpc-js';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, AuthenticationError, ConnectionLostError, InvalidArgumentError, type StreamRxError } from '../../src/core/errors.js';
import { dedupeAcross, type DedupeAcrossOptions } from '../../src/momento/dedupe-across.js';
import { emulatorCacheClient, startMomentoCacheEmulator, type MomentoCacheEmulator } from '../../src/testing/momento-cache/index.js';

let emulator: MomentoCacheEmulator;
let processA: CacheClient;
let processB: CacheClient;

beforeEach(async () => {
  emulator = await startMomentoCacheEmulator({ caches: ['cache'] });
  processA = emulatorCacheClient(emulator, { clientTimeoutMs: 2000 });
  processB = emulatorCacheClient(emulator, { clientTimeoutMs: 2000 });
});

afterEach(async () => {
  processA.close();
  processB.close();
  await emulator.close();
});

const id = (value: { id: string }): string => value.id;
const values = (...ids: string[]): Array<{ id: string }> => ids.map((i) => ({ id: i }));
const run = (client: CacheClient, input: Array<{ id: string }>, options: DedupeAcrossOptions<{ id: string }>) =>
  lastValueFrom(from(input).pipe(dedupeAcross(client, 'cache', id, options), toArray()));

describe('dedupeAcross', () => {
  it('lets each key through once across clients sharing the cache, in input order', async () => {
    const a = await run(processA, values('1', '2', '1', '3'), { onCacheError: 'fail-open' });
    const b = await run(processB, values('3', '4', '2', '5'), { onCacheError: 'fail-open' });
    expect(a.map(id)).toEqual(['1', '2', '3']);
    expect(b.map(id)).toEqual(['4', '5']);
    expect(emulator.keys('cache')).toEqual(['streamrx:dedupe:1', 'streamrx:dedupe:2', 'streamrx:dedupe:3', 'streamrx:dedupe:4', 'streamrx:dedupe:5']);
    expect(emulator.ttlOf('cache', 'streamrx:dedupe:1')).toBeGreaterThan(599_000);
  });

  it('rounds the TTL up to whole seconds and uses the key prefix', async () => {
    await run(processA, values('x'), { onCacheError: 'fail-open', ttl: 1_500, keyPrefix: 'seen/' });
    expect(emulator.keys('cache')).toEqual(['seen/x']);
    expect(emulator.ttlOf('cache', 'seen/x')).toBeLessThanOrEqual(2_000);
    expect(emulator.ttlOf('cache', 'seen/x')).toBeGreaterThan(1_500);
  });

  it('claims concurrently with concurrency > 1 and still lets each key through once', async () => {
    const input = Array.from({ length: 60 }, (_, i) => ({ id: String(i % 20) }));
    const [a, b] = await Promise.all([
      run(processA, input, { onCacheError: 'fail-open', concurrency: 8 }),
      run(processB, input, { onCacheError: 'fail-open', concurrency: 8 }),
    ]);
    expect([...a, ...b].map(id).sort()).toEqual(Array.from({ length: 20 }, (_, i) => String(i)).sort());
  });

  describe('when the cache cannot answer', () => {
    it("'fail-open' lets every value through and reports each failure", async () => {
      emulator.failCalls({ code: status.UNAVAILABLE });
      const failures: Array<[StreamRxError, string]> = [];
      const out = await run(processA, values('1', '1'), { onCacheError: 'fail-open', onError: (e, v) => failures.push([e, v.id]) });
      expect(out.map(id)).toEqual(['1', '1']);
      expect(failures.map(([e, v]) => [e instanceof ConnectionLostError, v])).toEqual([
        [true, '1'],
        [true, '1'],
      ]);
    });

    it("'fail-closed' drops every value and reports each failure", async () => {
      emulator.failCalls({ code: status.INTERNAL });
      const failures: StreamRxError[] = [];
      const out = await run(processA, values('1', '2'), { onCacheError: 'fail-closed', onError: (e) => failures.push(e) });
      expect(out).toEqual([]);
      expect(failures.every((e) => e instanceof ApiError && e.retryable)).toBe(true);
      expect(failures).toHaveLength(2);
    });

    it('applies the fallback when the cache is unreachable, and recovers nothing retroactively', async () => {
      await emulator.close();
      const open = await run(processA, values('1'), { onCacheError: 'fail-open' });
      const closed = await run(processB, values('1'), { onCacheError: 'fail-closed' });
      expect(open.map(id)).toEqual(['1']);
      expect(closed).toEqual([]);
    });

    it('ends the stream with the typed error on a terminal cache error, whatever the fallback', async () => {
      emulator.failCalls({ code: status.UNAUTHENTICATED, details: 'bad token' });
      await expect(run(processA, values('1'), { onCacheError: 'fail-open' })).rejects.toBeInstanceOf(AuthenticationError);
      emulator.failCalls(false);
      await expect(lastValueFrom(from(values('1')).pipe(dedupeAcross(processA, 'nope', id, { onCacheError: 'fail-open' })))).rejects.toMatchObject({
        retryable: false,
      });
    });
  });

  it('refuses a missing or unknown fallback and bad numbers with InvalidArgumentError', () => {
    const bad = (options: unknown) => () => dedupeAcross(processA, 'cache', id, options as never);
    expect(bad(undefined)).toThrow(InvalidArgumentError);
    expect(bad({ onCacheError: 'maybe' })).toThrow(/fail-open/);
    expect(bad({ onCacheError: 'fail-open', ttl: 0 })).toThrow(InvalidArgumentError);
    expect(bad({ onCacheError: 'fail-open', concurrency: 1.5 })).toThrow(InvalidArgumentError);
  });

  it('does nothing before subscribe and ignores a late answer after unsubscribe', async () => {
    const operator = dedupeAcross(processA, 'cache', id, { onCacheError: 'fail-open' });
    expect(emulator.stats.calls.setIf).toBe(0);
    const seen: string[] = [];
    const subscription = from(values('1')).pipe(operator).subscribe((v) => seen.push(v.id));
    subscription.unsubscribe();
    await firstValueFrom(from(values('2')).pipe(operator)); // the next claim is answered, so the first one was too
    expect(seen).toEqual([]);
  });
});
