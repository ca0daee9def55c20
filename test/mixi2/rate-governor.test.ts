import { merge, type Observable } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { RateLimitError } from '../../src/core/errors.js';
import type { Mixi2Client } from '../../src/mixi2/index.js';
import { startWorld, until, type World } from './harness.js';
import { SteppedClock } from './stepped-clock.js';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const MINUTE = 60_000;

/** A client and emulator on one virtual clock; the emulator limits every RPC to `perMinute`. */
async function virtualWorld(perMinute: number, rateLimits: object = {}): Promise<{ world: World; clock: SteppedClock }> {
  const clock = new SteppedClock();
  world = await startWorld({
    emulator: { rateLimitPerMinute: perMinute, now: clock.now },
    client: { rateLimits: { scheduler: clock.scheduler, ...rateLimits } },
  });
  return { world, clock };
}

/**
 * Runs `calls` to the end in virtual time: whenever nothing is in flight (every call answered or waiting in
 * the governor), time jumps to the next scheduled wake-up. Resolves with what came back.
 */
async function runInVirtualTime<T>(client: Mixi2Client, clock: SteppedClock, calls: readonly Observable<T>[]) {
  const values: T[] = [];
  const errors: unknown[] = [];
  merge(...calls).subscribe({ next: (v) => values.push(v), error: (e) => errors.push(e) });
  const settled = (): number => values.length + errors.length;
  while (settled() < calls.length && errors.length === 0) {
    await until(() => settled() + client.rateLimits.state().queued === calls.length || errors.length > 0, 'every call answered or waiting');
    if (settled() < calls.length && errors.length === 0 && !clock.advance()) throw new Error('calls wait but nothing is scheduled');
  }
  return { values, errors };
}

const replies = (client: Mixi2Client, count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => client.api.createPost({ text: `${tag} ${i}`, inReplyToPostId: 'post-hello' }));

describe('mixi2 rate governor (virtual time, against the emulator)', () => {
  it('sends a burst of 100 replies under a 20-per-minute limit with no rate-limit error, in the minimum time', async () => {
    const { world, clock } = await virtualWorld(20);
    const { values, errors } = await runInVirtualTime(world.client, clock, replies(world.client, 100, 'reply'));
    expect(errors).toEqual([]);
    expect(values).toHaveLength(100);
    // 20 at 0, 1, 2, 3 and 4 minutes: the last batch cannot start earlier than 4 minutes.
    expect(clock.now()).toBe(4 * MINUTE);
    // Not one call was spent on RESOURCE_EXHAUSTED: the emulator saw exactly the 100 replies.
    expect(world.emulator.calls.filter((c) => c.method === 'CreatePost')).toHaveLength(100);
    expect(world.client.rateLimits.state()).toMatchObject({ queued: 0, waits: 80 });
  });

  it('shares one budget between two pipelines of one client', async () => {
    const { world, clock } = await virtualWorld(20);
    const a = world.collect(merge(...replies(world.client, 15, 'a')));
    const b = world.collect(merge(...replies(world.client, 15, 'b')));
    await until(() => a.values.length + b.values.length + world.client.rateLimits.state().queued === 30, 'first minute answered');
    expect(a.values.length + b.values.length).toBe(20);
    while (a.values.length + b.values.length < 30) {
      clock.advance();
      await until(() => a.values.length + b.values.length + world.client.rateLimits.state().queued === 30, 'calls answered');
    }
    expect([...a.errors, ...b.errors]).toEqual([]);
    expect(world.emulator.calls).toHaveLength(30);
    expect(clock.now()).toBe(MINUTE);
  });

  it('holds an RPC on ratelimit-remaining 0 until the reset, spending no call on RESOURCE_EXHAUSTED', async () => {
    // No limit of the client's own: only the server's metadata can stop the 4th call.
    const { world, clock } = await virtualWorld(3, { rules: { createPost: [] } });
    const first = await runInVirtualTime(world.client, clock, replies(world.client, 3, 'first'));
    expect(first.errors).toEqual([]);
    expect(world.client.rateLimits.state().held).toEqual([{ key: 'createPost', until: MINUTE }]);
    const later = world.collect(merge(...replies(world.client, 2, 'later')));
    await until(() => world.client.rateLimits.state().queued === 2, 'the next calls wait');
    expect(world.emulator.calls).toHaveLength(3);
    const posts = world.collect(world.client.api.getPosts({ postIdList: ['post-hello'] }));
    await until(() => posts.values.length === 1, 'another RPC is not held');
    clock.advance();
    await until(() => later.values.length === 2, 'the held calls answered after the reset');
    expect(clock.now()).toBe(MINUTE);
    expect(later.errors).toEqual([]);
    expect(world.emulator.calls.filter((c) => c.method === 'CreatePost')).toHaveLength(5);
  });

  it('holds every caller of an RPC after RESOURCE_EXHAUSTED with retry-after, and retries the refused call', async () => {
    const { world, clock } = await virtualWorld(Infinity);
    world.emulator.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 7 });
    const refused = world.collect(world.client.api.createPost({ text: 'one' }));
    await until(() => world.client.rateLimits.state().queued === 1, 'the refused call waits for its retry');
    const other = world.collect(world.client.api.createPost({ text: 'two' }));
    expect(world.client.rateLimits.state()).toMatchObject({ queued: 2, held: [{ key: 'createPost', until: 7000 }] });
    const posts = world.collect(world.client.api.getPosts({ postIdList: ['post-hello'] }));
    await until(() => posts.values.length === 1, 'another RPC is not held');
    expect(world.emulator.calls.filter((c) => c.method === 'CreatePost')).toHaveLength(1);
    clock.advance();
    await until(() => refused.values.length === 1 && other.values.length === 1, 'both sent after the hold');
    expect(clock.now()).toBe(7000);
    expect([...refused.errors, ...other.errors]).toEqual([]);
  });

  it('hands the RateLimitError over when retryRateLimited is false, and still holds the others', async () => {
    const { world } = await virtualWorld(Infinity, { retryRateLimited: false });
    world.emulator.rateLimitNext(1, { endpoint: 'CreatePost', retryAfterSeconds: 7 });
    const refused = world.collect(world.client.api.createPost({ text: 'one' }));
    await until(() => refused.errors.length === 1, 'the refusal');
    expect(refused.errors[0]).toBeInstanceOf(RateLimitError);
    world.collect(world.client.api.createPost({ text: 'two' }));
    expect(world.client.rateLimits.state().queued).toBe(1);
  });

  it('paces nothing with rateLimits: false', async () => {
    world = await startWorld({ emulator: { rateLimitPerMinute: 1 }, client: { rateLimits: false } });
    const calls = world.collect(merge(...replies(world.client, 2, 'x')));
    await until(() => calls.values.length + calls.errors.length === 2 || calls.errors.length > 0, 'answers');
    expect(calls.errors[0]).toBeInstanceOf(RateLimitError);
    expect(world.client.rateLimits.state()).toMatchObject({ queued: 0, waits: 0, held: [] });
  });
});
