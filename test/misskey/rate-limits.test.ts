import { mergeMap, range } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/core/errors.js';
import type { RateRule } from '../../src/core/rate-rule.js';
import { misskeyUserRateLimits } from '../../src/misskey/index.js';
import { rateLimitHoldMs } from '../../src/misskey/rate-limit-hold.js';
import { MisskeyApiError } from '../../src/misskey/api-error.js';
import { Rig, type Recording } from './helpers.js';
import { countingFetch, VirtualClock } from './virtual-clock.js';

const rig = new Rig();
afterEach(() => rig.dispose());

/** An emulator and a client sharing one virtual clock; the client's own limits are `clientLimits`. */
async function limitedPair(serverLimits: Record<string, RateRule[]>, clientLimits?: Record<string, RateRule[]>) {
  const clock = new VirtualClock();
  const wire = countingFetch();
  const emulator = await rig.emulator({ rateLimits: serverLimits, now: clock.now });
  const client = rig.client(emulator, { scheduler: clock.scheduler, fetch: wire.fetch, http: { rateLimits: clientLimits, retry: { initialDelay: 5, maxRetries: 3 } } });
  /** Runs virtual time until every recording settled, moving it only while no request is on the wire. */
  const runUntilSettled = (recordings: ReadonlyArray<Pick<Recording<unknown>, 'completed' | 'error'>>) =>
    clock.runUntil(() => recordings.every((r) => r.completed || r.error !== undefined), () => wire.onTheWire() > 0);
  return { clock, emulator, client, runUntilSettled };
}

const statuses = (calls: ReadonlyArray<{ endpoint: string; status: number }>, endpoint = 'notes/create') => calls.filter((c) => c.endpoint === endpoint).map((c) => c.status);

describe('the client governor against the emulator\'s limits (virtual time, real sockets)', () => {
  it('sends a burst of 100 notes within 20 per minute: no 429, done at the earliest time the limit allows', async () => {
    const limit = { 'notes/create': [{ limit: 20, window: 60_000 }] };
    const { clock, emulator, client, runUntilSettled } = await limitedPair(limit, limit);
    const burst = Array.from({ length: 100 }, (_, i) => rig.record(client.api('notes/create', { text: `reply ${i}` })));
    await runUntilSettled(burst);
    expect(burst.every((r) => r.completed && r.values.length === 1)).toBe(true);
    expect(statuses(emulator.apiCalls)).toEqual(Array(100).fill(200));
    // 20 start at once, then 20 each minute: the 100th starts at 4 minutes, and not a moment before.
    expect(clock.now()).toBe(240_000);
    expect(client.rateLimits.state()).toMatchObject({ queued: 0, held: [], waits: 80 });
  });

  it('without limits of its own, holds an endpoint after a 429 for every caller while other endpoints go on', async () => {
    const { clock, emulator, client, runUntilSettled } = await limitedPair({ 'notes/create': [{ limit: 1, window: 10_000 }] });
    await runUntilSettled([rig.record(client.api('notes/create', { text: 'first' }))]);
    const second = rig.record(client.api('notes/create', { text: 'second' }));
    await emulator.waitFor(() => client.rateLimits.state().queued === 1, 'the 429 and the hold');
    expect(statuses(emulator.apiCalls)).toEqual([200, 429]);
    expect(client.rateLimits.state().held).toEqual([{ key: 'notes/create', until: 10_000 }]);
    const third = rig.record(client.api('notes/create', { text: 'third, from another pipeline' }));
    await rig.record(client.api('i')).count(1);
    expect(statuses(emulator.apiCalls)).toEqual([200, 429]); // nothing more reached notes/create while held
    expect(client.rateLimits.state().queued).toBe(2);
    await runUntilSettled([second, third]);
    expect(second.values[0]?.createdNote.text).toBe('second');
    expect(third.values[0]?.createdNote.text).toBe('third, from another pipeline');
    // released together at 10 s, one of them is refused again and waits for the next hold
    expect(statuses(emulator.apiCalls)).toEqual([200, 429, 200, 429, 200]);
    expect(clock.now()).toBe(20_000);
  });

  it('shares one budget between two pipelines of one client', async () => {
    const limit = { 'notes/create': [{ limit: 5, window: 60_000 }] };
    const { clock, emulator, client, runUntilSettled } = await limitedPair(limit, limit);
    const pipeline = (name: string) => rig.record(range(0, 10).pipe(mergeMap((i) => client.api('notes/create', { text: `${name} ${i}` }))));
    const pipelines = [pipeline('a'), pipeline('b')];
    await runUntilSettled(pipelines);
    expect(pipelines.map((r) => r.values.length)).toEqual([10, 10]);
    expect(statuses(emulator.apiCalls)).toEqual(Array(20).fill(200));
    expect(clock.now()).toBe(180_000);
  });

  it('with retryRateLimited: false ends the call with RateLimitError and still holds the endpoint for the next', async () => {
    const clock = new VirtualClock();
    const emulator = await rig.emulator({ rateLimits: { 'notes/create': [{ limit: 1, window: 4000 }] }, now: clock.now });
    const client = rig.client(emulator, { scheduler: clock.scheduler, http: { retryRateLimited: false } });
    const first = [rig.record(client.api('notes/create', { text: 'a' })), rig.record(client.api('notes/create', { text: 'b' }))];
    await Promise.all(first.map((r) => r.done()));
    expect(first[1]?.error).toBeInstanceOf(RateLimitError);
    expect((first[1]?.error as RateLimitError).retryAfterMs).toBe(4000);
    const next = rig.record(client.api('notes/create', { text: 'c' }));
    expect(client.rateLimits.state()).toMatchObject({ queued: 1, held: [{ key: 'notes/create', until: 4000 }] });
    clock.scheduler.flush();
    await next.done();
    expect(next.completed).toBe(true);
    expect(clock.now()).toBe(4000);
    expect(statuses(emulator.apiCalls)).toEqual([200, 429, 200]);
  });
});

describe('rateLimitHoldMs', () => {
  const limited = (retryAfterMs: number | undefined, resetMs?: number) =>
    new RateLimitError('limited', { retryAfterMs, cause: new MisskeyApiError('notes/create', { code: 'RATE_LIMIT_EXCEEDED', info: resetMs === undefined ? undefined : { resetMs } }, 429) });

  it('prefers info.resetMs within Retry-After, and Retry-After when the clocks disagree', () => {
    expect(rateLimitHoldMs(limited(3000, 1_000_000 + 2182), 1_000_000)).toBe(2182);
    expect(rateLimitHoldMs(limited(3000, 1_000_000 + 60_000), 1_000_000)).toBe(3000);
    expect(rateLimitHoldMs(limited(3000, 999_000), 1_000_000)).toBe(3000);
    expect(rateLimitHoldMs(limited(undefined, 1_000_500), 1_000_000)).toBe(500);
    expect(rateLimitHoldMs(limited(undefined), 1_000_000)).toBeUndefined();
  });

  it('exports the observed limits of a normal user as a preset', () => {
    expect(misskeyUserRateLimits['notes/create']).toEqual([{ limit: 300, window: 3_600_000 }]);
  });
});
