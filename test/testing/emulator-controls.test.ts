import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, AuthenticationError, RateLimitError } from '../../src/core/errors.js';
import { until } from '../mixi2/harness.js';
import { misskeyRig, mixi2Rig, momentoRig, type ControlRig } from './control-rigs.js';

/**
 * The shared controls, run against all three emulators with streamrx's own clients over real sockets:
 * each test checks the effect a user relies on, the same way on every emulator.
 */
describe.each([
  ['mixi2', mixi2Rig],
  ['Misskey', misskeyRig],
  ['Momento', momentoRig],
])('%s emulator controls', (_name, startRig) => {
  let rig: ControlRig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  /** Opens the stream and waits until a first marker went through it. */
  async function flowing(): Promise<ControlRig> {
    const current = await startRig();
    rig = current;
    current.openStream();
    await current.emulator.waitFor(() => current.streamReady(), 'the stream to open');
    await deliver(current, 'first');
    return current;
  }

  /** Sends a marker and waits for the client to deliver it. */
  async function deliver(current: ControlRig, marker: string): Promise<void> {
    current.send(marker);
    // What the client received is outside the emulator: Momento's waitFor only re-checks on its own events.
    await until(() => current.received.includes(marker), `"${marker}" to arrive`);
  }

  it('rejectCredentials: a call fails with AuthenticationError while on, and succeeds once off', async () => {
    rig = await startRig();
    rig.emulator.rejectCredentials();
    await expect(rig.call()).rejects.toBeInstanceOf(AuthenticationError);
    rig.emulator.rejectCredentials(false);
    await expect(rig.call()).resolves.toBeDefined();
  });

  it('failNext(1): the next call fails with a server error (ApiError), the one after succeeds', async () => {
    rig = await startRig();
    rig.emulator.failNext(1);
    await expect(rig.call()).rejects.toBeInstanceOf(ApiError);
    await expect(rig.call()).resolves.toBeDefined();
  });

  it('failNext with an endpoint: only calls of that endpoint fail', async () => {
    rig = await startRig();
    rig.emulator.failNext(1, { endpoint: 'no-such-endpoint' });
    await expect(rig.call()).resolves.toBeDefined();
    rig.emulator.failNext(1, { endpoint: rig.endpoint });
    await expect(rig.call()).rejects.toBeInstanceOf(ApiError);
  });

  it('rateLimitNext(1): one call gets RateLimitError with the retry-after wait, the next succeeds', async () => {
    rig = await startRig();
    rig.emulator.rateLimitNext(1, { retryAfterSeconds: 2 });
    const error = await rig.call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(rig.retryAfterMs);
    await expect(rig.call()).resolves.toBeDefined();
  });

  it('stats(): calls counts API calls; openStreams follows the stream', async () => {
    const current = await flowing();
    const before = current.emulator.stats().calls;
    await current.call();
    expect(current.emulator.stats().calls).toBe(before + 1);
    expect(current.emulator.stats()).toMatchObject({ openStreams: 1, streamRequests: 1 });
    expect(current.emulator.stats().connections).toBeGreaterThan(0);
  });

  /** Runs `cut`, expects it to report `count` (or more), then waits for a new stream and a marker through it. */
  async function recovers(current: ControlRig, cut: () => number, marker: string, count: number): Promise<void> {
    const { streamRequests } = current.emulator.stats();
    expect(cut()).toBeGreaterThanOrEqual(count);
    await current.emulator.waitFor(() => current.emulator.stats().streamRequests > streamRequests && current.streamReady(), 'a new stream');
    await deliver(current, marker);
    expect(current.errors).toEqual([]);
  }

  it('dropConnections: cuts the connection, the client reconnects, stats() shows it, markers flow again', async () => {
    const current = await flowing();
    await recovers(current, () => current.emulator.dropConnections(), 'after-drop', 1);
  });

  it('endStreams: ends the open stream (returns 1); the client opens a new one and markers flow again', async () => {
    const current = await flowing();
    await recovers(current, () => current.emulator.endStreams(), 'after-end', 1);
    expect(current.emulator.stats().openStreams).toBe(1);
  });

  it('stall(): a marker sent while stalled arrives once the returned function resumes', async () => {
    const current = await flowing();
    const resume = current.emulator.stall();
    current.send('held');
    expect(current.received).not.toContain('held');
    resume();
    await until(() => current.received.includes('held'), 'the held marker');
    expect(current.errors).toEqual([]);
  });

  it('waitFor: rejects after its timeout, naming what it waited for', async () => {
    rig = await startRig();
    await expect(rig.emulator.waitFor(() => false, 'something that never happens', 20)).rejects.toThrow('something that never happens');
  });
});
