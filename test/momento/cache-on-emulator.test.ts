import { CacheSetIfAbsentResponse } from '@gomomento/sdk';
import { from, lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../src/index.js';
import { dedupeAcross } from '../../src/momento/index.js';
import { emulatorCacheClient, startMomentoEmulator, type MomentoEmulator } from '../../src/testing/index.js';

describe('the Momento emulator serves the cache on its own port', () => {
  let emulator: MomentoEmulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('answers the real CacheClient, and dedupeAcross shares claims between two pipelines', async () => {
    emulator = await startMomentoEmulator();
    const cache = emulatorCacheClient(emulator);
    expect((await cache.setIfAbsent('cache', 'k', 'v', { ttl: 30 })).type).toBe(CacheSetIfAbsentResponse.Stored);
    expect((await cache.setIfAbsent('cache', 'k', 'v', { ttl: 30 })).type).toBe(CacheSetIfAbsentResponse.NotStored);
    const claim = (ids: string[]) =>
      lastValueFrom(from(ids).pipe(dedupeAcross(cache, 'cache', (id) => id, { onCacheError: 'fail-closed', ttl: 60_000 }), toArray()));
    const first = await claim(['e1', 'e2', 'e3']);
    const second = await claim(['e2', 'e3', 'e4']);
    expect([...first, ...second].sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(emulator.cache.keys('cache').length).toBe(5);
    cache.close();
  });

  it('shares the emulator’s credential gate: rejected credentials end dedupeAcross with AuthenticationError', async () => {
    emulator = await startMomentoEmulator();
    const cache = emulatorCacheClient(emulator);
    emulator.rejectCredentials();
    const claimed = lastValueFrom(from(['e1']).pipe(dedupeAcross(cache, 'cache', (id) => id, { onCacheError: 'fail-open' })));
    await expect(claimed).rejects.toBeInstanceOf(AuthenticationError);
    cache.close();
  });
});
