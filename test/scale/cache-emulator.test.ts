import { CacheDeleteResponse, CacheGetResponse, CacheSetIfAbsentResponse, CacheSetResponse, type CacheClient } from '@gomomento/sdk';
import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { emulatorCacheClient, startMomentoCacheEmulator, type MomentoCacheEmulator } from '../../src/testing/momento-cache/index.js';

let clock = 1_000_000;
let emulator: MomentoCacheEmulator;
let client: CacheClient;

beforeEach(async () => {
  emulator = await startMomentoCacheEmulator({ now: () => clock, caches: ['cache'] });
  client = emulatorCacheClient(emulator, { clientTimeoutMs: 2000 });
});

afterEach(async () => {
  client.close();
  await emulator.close();
  await vi.waitFor(() => expect(emulator.connections).toBe(0)); // the SDK keeps a channel open after close()
});

describe('Momento cache emulator, reached by the real CacheClient', () => {
  it('stores with setIfAbsent only when the key is absent, and keeps the TTL', async () => {
    expect((await client.setIfAbsent('cache', 'k', 'first', { ttl: 30 })).type).toBe(CacheSetIfAbsentResponse.Stored);
    expect((await client.setIfAbsent('cache', 'k', 'second', { ttl: 30 })).type).toBe(CacheSetIfAbsentResponse.NotStored);
    expect(emulator.value('cache', 'k')).toBe('first');
    expect(emulator.ttlOf('cache', 'k')).toBe(30_000);
    expect(emulator.stats).toMatchObject({ setIfStored: 1, setIfNotStored: 1 });
  });

  it('forgets a key once its TTL has passed', async () => {
    await client.setIfAbsent('cache', 'k', 'v', { ttl: 5 });
    clock += 4_999;
    expect((await client.setIfAbsent('cache', 'k', 'v')).type).toBe(CacheSetIfAbsentResponse.NotStored);
    clock += 1;
    expect(emulator.keys('cache')).toEqual([]);
    expect((await client.setIfAbsent('cache', 'k', 'v')).type).toBe(CacheSetIfAbsentResponse.Stored);
  });

  it('gets, sets and deletes', async () => {
    expect((await client.get('cache', 'k')).type).toBe(CacheGetResponse.Miss);
    expect((await client.set('cache', 'k', 'hello', { ttl: 10 })).type).toBe(CacheSetResponse.Success);
    const hit = await client.get('cache', 'k');
    expect(hit.type === CacheGetResponse.Hit && hit.valueString()).toBe('hello');
    expect((await client.delete('cache', 'k')).type).toBe(CacheDeleteResponse.Success);
    expect((await client.get('cache', 'k')).type).toBe(CacheGetResponse.Miss);
    expect(emulator.stats.calls).toEqual({ get: 3, set: 1, setIf: 0, delete: 1 });
  });

  it('evaluates the other SetIf conditions', async () => {
    expect((await client.setIfPresent('cache', 'k', 'v')).type).toBe('NotStored');
    await client.set('cache', 'k', 'a');
    expect((await client.setIfEqual('cache', 'k', 'b', 'x')).type).toBe('NotStored');
    expect((await client.setIfEqual('cache', 'k', 'b', 'a')).type).toBe('Stored');
    expect((await client.setIfAbsentOrEqual('cache', 'k', 'c', 'b')).type).toBe('Stored');
    expect((await client.setIfNotEqual('cache', 'k', 'd', 'c')).type).toBe('NotStored');
    expect((await client.setIfPresentAndNotEqual('cache', 'k', 'd', 'x')).type).toBe('Stored');
    expect(emulator.value('cache', 'k')).toBe('d');
  });

  it('answers NOT_FOUND for an unknown cache and injected failures with their status', async () => {
    const unknown = await client.setIfAbsent('other', 'k', 'v');
    expect(unknown.type === CacheSetIfAbsentResponse.Error && unknown.errorCode()).toBe('NOT_FOUND_ERROR');
    emulator.failNext('setIf', { code: status.INTERNAL }, 1);
    const failed = await client.setIfAbsent('cache', 'k', 'v');
    expect(failed.type === CacheSetIfAbsentResponse.Error && failed.errorCode()).toBe('INTERNAL_SERVER_ERROR');
    emulator.failCalls({ code: status.UNAVAILABLE });
    const down = await client.get('cache', 'k');
    expect(down.type === CacheGetResponse.Error && down.errorCode()).toBe('SERVER_UNAVAILABLE');
    emulator.failCalls(false);
    expect((await client.setIfAbsent('cache', 'k', 'v')).type).toBe(CacheSetIfAbsentResponse.Stored);
  });

  it('is unreachable once closed', async () => {
    await emulator.close();
    const response = await client.setIfAbsent('cache', 'k', 'v');
    expect(response.type === CacheSetIfAbsentResponse.Error && response.errorCode()).toBe('SERVER_UNAVAILABLE');
  });
});
