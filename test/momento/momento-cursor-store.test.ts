import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, CursorStoreError, InvalidArgumentError, memoryCursorStore } from '../../src/index.js';
import { momentoCursorStore } from '../../src/momento/index.js';
import { emulatorCacheClient } from '../../src/testing/index.js';
import { MomentoTestBed } from './harness.js';

describe('momentoCursorStore on the emulator with the real CacheClient', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('writes, reads back from another client, and compares and sets', async () => {
    const emulator = await bed.emulator();
    const cacheA = emulatorCacheClient(emulator);
    const cacheB = emulatorCacheClient(emulator);
    const a = momentoCursorStore(cacheA, 'cache');
    const b = momentoCursorStore(cacheB, 'cache');
    expect(await a.read('w0')).toBeUndefined();
    await a.write('w0', { sequenceNumber: 41, sequencePage: 2 });
    expect(await b.read('w0')).toEqual({ sequenceNumber: 41, sequencePage: 2 });
    expect(await b.compareAndSet('w0', { sequenceNumber: 40, sequencePage: 2 }, { sequenceNumber: 50, sequencePage: 2 })).toBe(false);
    expect(await b.compareAndSet('w0', { sequenceNumber: 41, sequencePage: 2 }, { sequenceNumber: 50, sequencePage: 2 })).toBe(true);
    expect(await a.compareAndSet('new', undefined, 1)).toBe(true);
    expect(await a.compareAndSet('new', undefined, 2)).toBe(false);
    expect(emulator.cache.keys('cache').sort()).toEqual(['streamrx:cursor:new', 'streamrx:cursor:w0']);
    cacheA.close();
    cacheB.close();
  });

  it('coalesces writes of one key: the newest position wins, fewer calls than writes', async () => {
    const emulator = await bed.emulator();
    const cache = emulatorCacheClient(emulator);
    const store = momentoCursorStore(cache, 'cache');
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.write('k', i)));
    expect(await store.read('k')).toBe(49);
    expect(emulator.cache.stats.calls.set).toBeLessThan(50);
    cache.close();
  });

  it('rejects a bad key or position, as every store does, instead of throwing', async () => {
    const emulator = await bed.emulator();
    const cache = emulatorCacheClient(emulator);
    for (const store of [momentoCursorStore(cache, 'cache'), memoryCursorStore()]) {
      await expect(store.write('', 1)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.write('k', undefined)).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.read('')).rejects.toBeInstanceOf(InvalidArgumentError);
    }
    cache.close();
  });

  it('fails with a CursorStoreError caused by the typed error', async () => {
    const emulator = await bed.emulator();
    const cache = emulatorCacheClient(emulator);
    emulator.rejectCredentials();
    const error = await momentoCursorStore(cache, 'cache').write('k', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorStoreError);
    expect((error as CursorStoreError).cause).toBeInstanceOf(AuthenticationError);
    cache.close();
  });
});
