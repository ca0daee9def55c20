import { firstValueFrom, lastValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError, PermissionError, RateLimitError, RequestTimeoutError } from '../../src/core/errors.js';
import { misskey, MisskeyApiError, nodeHttpTransport } from '../../src/misskey/index.js';
import { fastClient, Rig, until, failure } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

describe('api() over HTTP', () => {
  it('returns typed responses, null for 204, and sends the token as i', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'typed' }));
    expect(createdNote.text).toBe('typed');
    expect(await firstValueFrom(client.api('notes/reactions/create', { noteId: createdNote.id, reaction: '👍' }))).toBeNull();
    const shown = await firstValueFrom(client.api('notes/show', { noteId: createdNote.id }));
    expect(shown.reactions).toEqual({ '👍': 1 });
    expect(emulator.apiCalls.map((c) => c.endpoint)).toEqual(['notes/create', 'notes/reactions/create', 'notes/show']);
    expect(emulator.stats().connections).toBe(0);
  });

  it('answers a second reaction by the same user with ALREADY_REACTED, as Misskey does, and never retries it', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'react twice' }));
    await firstValueFrom(client.api('notes/reactions/create', { noteId: createdNote.id, reaction: '👍' }));
    const error = await failure(firstValueFrom(client.api('notes/reactions/create', { noteId: createdNote.id, reaction: '👍' })));
    expect(error).toMatchObject({ status: 400, errorCode: 'ALREADY_REACTED', errorId: '71efcf98-86d6-4e2b-b2ad-9d032369366b' });
    expect(emulator.apiCalls.filter((c) => c.endpoint === 'notes/reactions/create')).toHaveLength(2);
  });

  it('maps Misskey error bodies to MisskeyApiError with code, id, kind and info', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const error = await failure(firstValueFrom(client.api('notes/show', { noteId: 'nope' })));
    expect(error).toBeInstanceOf(MisskeyApiError);
    expect(error).toMatchObject({ status: 400, errorCode: 'NO_SUCH_NOTE', errorId: '24fcbfc6-2e37-42b6-8388-c29b3861a08d', kind: 'client', retryable: false });
    const invalid = await failure(firstValueFrom(client.api('notes/local-timeline', { limit: 101 })));
    expect(invalid).toMatchObject({ errorCode: 'INVALID_PARAM', info: { param: '#/properties/limit/maximum', reason: 'must be <= 100' } });
    const unknown = await failure(firstValueFrom(client.api('no/such/endpoint' as 'i')));
    expect(unknown).toMatchObject({ status: 404 });
    expect(emulator.apiCalls).toHaveLength(3);
  });

  it('maps 401 to AuthenticationError without leaking the token', async () => {
    const emulator = await rig.emulator();
    const client = misskey({ origin: emulator.origin, token: 'secret-token-123', ...fastClient });
    const error = await failure(firstValueFrom(client.api('i')));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String((error as Error).message)).not.toContain('secret-token-123');
    expect(emulator.apiCalls).toHaveLength(1);
  });

  it('maps 403 to PermissionError', async () => {
    const emulator = await rig.emulator();
    emulator.failNext(1, { endpoint: 'i', code: 403 });
    const error = await failure(firstValueFrom(rig.client(emulator).api('i')));
    expect(error).toBeInstanceOf(PermissionError);
  });

  it('maps 429 to RateLimitError with Retry-After and does not retry it with retryRateLimited: false', async () => {
    const emulator = await rig.emulator();
    emulator.rateLimitNext(1, { endpoint: 'notes/create', retryAfterSeconds: 3 });
    const error = await failure(firstValueFrom(rig.client(emulator, { http: { retryRateLimited: false } }).api('notes/create', { text: 'x' })));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3000);
    expect(emulator.apiCalls).toHaveLength(1);
  });

  it('retries 429 by default, after Retry-After', async () => {
    const emulator = await rig.emulator();
    emulator.rateLimitNext(2, { endpoint: 'notes/create', retryAfterSeconds: 0 });
    const client = rig.client(emulator, { http: { retry: { initialDelay: 1, maxRetries: 3 } } });
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'eventually' }));
    expect(createdNote.text).toBe('eventually');
    expect(emulator.apiCalls.map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('retries 5xx with backoff and gives up after maxRetries', async () => {
    const emulator = await rig.emulator();
    emulator.failNext(2, { endpoint: 'i', code: 500 });
    const client = rig.client(emulator);
    const me = await firstValueFrom(client.api('i'));
    expect(me.username).toBe('admin');
    expect(emulator.apiCalls.map((c) => c.status)).toEqual([500, 500, 200]);
    emulator.failNext(10, { endpoint: 'i', code: 502 });
    const error = await failure(firstValueFrom(client.api('i')));
    expect(error).toMatchObject({ status: 502, retryable: true });
    expect(emulator.apiCalls.length).toBe(3 + 4);
  });

  it('sends nothing more once unsubscribed while waiting to retry, and leaves no timer', async () => {
    const emulator = await rig.emulator();
    emulator.failNext(1, { endpoint: 'i', code: 503 });
    const retries: number[] = [];
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const client = rig.client(emulator, { http: { retry: { initialDelay: 60_000, maxRetries: 3, onRetry: (a) => retries.push(a.delay) } } });
    const subscription = client.api('i').subscribe();
    await until(() => retries.length === 1, 'the first retry is scheduled');
    subscription.unsubscribe();
    expect(timers()).toBe(before);
    expect(emulator.apiCalls.map((c) => c.status)).toEqual([503]);
  });

  it('never retries 4xx', async () => {
    const emulator = await rig.emulator();
    await failure(firstValueFrom(rig.client(emulator).api('notes/show', { noteId: 'gone' })));
    expect(emulator.apiCalls).toHaveLength(1);
  });

  it('retries network failures and reports ConnectionLostError when the server is gone', async () => {
    const emulator = await rig.emulator();
    const origin = emulator.origin;
    await emulator.close();
    const client = misskey({ origin, token: 't', ...fastClient });
    const error = await failure(lastValueFrom(client.api('i')));
    expect(error).toBeInstanceOf(ConnectionLostError);
  });

  it('fails an attempt that outlasts its time limit with RequestTimeoutError and does not retry it', async () => {
    let requests = 0;
    const silent = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      for (const fetch of [undefined, globalThis.fetch as never]) {
        requests = 0;
        const client = misskey({ origin, token: 't', ...fastClient, http: { timeout: 50 }, ...(fetch ? { fetch } : {}) });
        expect(await failure(firstValueFrom(client.api('i')))).toBeInstanceOf(RequestTimeoutError);
        // At most the one attempt (a slow first fetch may time out before it even reaches the server).
        expect(requests).toBeLessThanOrEqual(1);
      }
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('holds one time-limit timer while calls are in flight, however many, and none once they are answered', async () => {
    const emulator = await rig.emulator();
    // node:http's transport shares the deadline sweep with undici's and, unlike undici, sets no timers of its own
    const client = rig.client(emulator, { http: { ...fastClient.http, transport: nodeHttpTransport() } });
    const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const calls = Promise.all(Array.from({ length: 20 }, () => firstValueFrom(client.api('meta'))));
    const during = timers();
    await calls;
    expect(during).toBe(before + 1);
    expect(timers()).toBe(before);
  });

  it('works with an injected fetch', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { fetch: globalThis.fetch as never });
    const { createdNote } = await firstValueFrom(client.api('notes/create', { text: 'via fetch' }));
    expect(createdNote.text).toBe('via fetch');
    expect(await failure(firstValueFrom(client.api('notes/show', { noteId: 'x' })))).toMatchObject({ errorCode: 'NO_SUCH_NOTE' });
  });

  it('rejects bad arguments with InvalidArgumentError', async () => {
    expect(() => misskey({ origin: 'not a url' })).toThrow(InvalidArgumentError);
    expect(() => misskey({ origin: 'ftp://x' })).toThrow(InvalidArgumentError);
    expect(() => misskey({ origin: 'http://x', apiTransport: 'stream' })).toThrow(InvalidArgumentError);
    const emulator = await rig.emulator();
    const error = await failure(firstValueFrom(rig.client(emulator).api('../etc' as 'i')));
    expect(error).toBeInstanceOf(InvalidArgumentError);
  });
});

describe('httpApi with a failing transport', () => {
  it('hands a transport that throws on a retry to the subscriber instead of crashing the process', async () => {
    const { httpApi } = await import('../../src/misskey/http-api.js');
    let attempts = 0;
    const transport = () => {
      attempts += 1;
      if (attempts > 1) throw new TypeError('transport broke');
      return { answer: Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), cancel: () => undefined };
    };
    const { RateGovernor } = await import('../../src/core/rate-governor.js');
    const call = httpApi({ origin: 'http://127.0.0.1:1', token: 't', transport, retry: { initialDelay: 1, maxRetries: 3 }, retryRateLimited: false, timeout: 1000, governor: new RateGovernor(), scheduler: undefined });
    await expect(firstValueFrom(call('i', undefined))).rejects.toThrow('transport broke');
    expect(attempts).toBe(2);
  });
});
