import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError } from '../../src/core/errors.js';
import { clientCredentials } from '../../src/mixi2/index.js';
import { startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/index.js';

let emulator: Mixi2Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const fastRetry = { initialDelay: 2, maxRetries: 3 };

describe('clientCredentials', () => {
  it('fetches once however many callers ask at the same time, then serves the cache', async () => {
    emulator = await startMixi2Emulator();
    const auth = clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => auth.token()));
    expect(new Set(tokens).size).toBe(1);
    expect(emulator.stats().tokenRequests).toBe(1);
    expect(await auth.token()).toBe(tokens[0]);
    expect(emulator.stats().tokenRequests).toBe(1);
  });

  it('refreshes before expiry (margin capped at half the lifetime) and on demand', async () => {
    emulator = await startMixi2Emulator({ tokenLifetime: 10 });
    let clock = 1_000_000;
    const auth = clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl, now: () => clock });
    const first = await auth.token();
    clock += 4_900; // lifetime 10 s, margin min(60 s, 5 s) = 5 s: still fresh
    expect(await auth.token()).toBe(first);
    clock += 200;
    const second = await auth.token();
    expect(second).not.toBe(first);
    expect(await auth.token({ refresh: true })).not.toBe(second);
    expect(emulator.stats().tokenRequests).toBe(3);
  });

  it('offers the cached token synchronously only while it is fresh', async () => {
    emulator = await startMixi2Emulator({ tokenLifetime: 10 });
    let clock = 1_000_000;
    const auth = clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl, now: () => clock });
    expect(auth.currentToken?.()).toBeUndefined();
    const first = await auth.token();
    expect(auth.currentToken?.()).toBe(first);
    clock += 5_100; // past the refresh point (margin 5 s of a 10 s lifetime)
    expect(auth.currentToken?.()).toBeUndefined();
  });

  it('backs off and retries 5xx answers', async () => {
    emulator = await startMixi2Emulator();
    emulator.failTokenRequests(2);
    const auth = clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl, retry: fastRetry });
    await expect(auth.token()).resolves.toMatch(/^emu_/);
    expect(emulator.stats().tokenRequests).toBe(3);
  });

  it('rejects a bad secret with AuthenticationError after one request, without the secret in the message', async () => {
    emulator = await startMixi2Emulator();
    const auth = clientCredentials({ clientId: emulator.clientId, clientSecret: 'hunter2-secret', tokenUrl: emulator.tokenUrl, retry: fastRetry });
    const error = await auth.token().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toContain('401');
    expect((error as Error).message).not.toContain('hunter2');
    expect(emulator.stats().tokenRequests).toBe(1);
  });

  it('URL-encodes credentials with special characters', async () => {
    emulator = await startMixi2Emulator({ clientId: 'id:with/colon', clientSecret: 'se:cr%et+=&' });
    const auth = clientCredentials({ clientId: 'id:with/colon', clientSecret: 'se:cr%et+=&', tokenUrl: emulator.tokenUrl });
    await expect(auth.token()).resolves.toMatch(/^emu_/);
  });

  it('reports an unreachable endpoint as ConnectionLostError after its retries', async () => {
    emulator = await startMixi2Emulator();
    const tokenUrl = emulator.tokenUrl;
    await emulator.close();
    emulator = undefined;
    const auth = clientCredentials({ clientId: 'a', clientSecret: 'b', tokenUrl, retry: { initialDelay: 1, maxRetries: 1 } });
    await expect(auth.token()).rejects.toBeInstanceOf(ConnectionLostError);
  });

  it('refuses empty credentials', () => {
    expect(() => clientCredentials({ clientId: '', clientSecret: 'x' })).toThrow(InvalidArgumentError);
  });
});
