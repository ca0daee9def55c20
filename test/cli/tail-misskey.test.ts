import { afterAll, beforeAll, describe, expect, it, vi, type TestContext } from 'vitest';
import { startMisskeyEmulator, type MisskeyEmulator, type MisskeyEmulatorOptions } from '../../src/testing/misskey/index.js';
import { closedPort, killLeftovers, prepareCompiledCli, parseNdjson, runCli, startCli } from './cli-process.js';

beforeAll(prepareCompiledCli, 120_000);
afterAll(async () => {
  expect(await killLeftovers()).toBe(0);
});

/** An emulator for one (concurrent) test, checked for leftover sockets and closed when the test ends. */
async function emulatorFor({ onTestFinished }: TestContext, options: MisskeyEmulatorOptions = {}): Promise<MisskeyEmulator> {
  const emulator = await startMisskeyEmulator(options);
  onTestFinished(async () => {
    // The CLI has exited; its socket's end reaches the emulator a moment later.
    await vi.waitFor(() => expect(emulator.stats().connections).toBe(0), { interval: 10 });
    await emulator.close();
  });
  return emulator;
}

describe.concurrent('streamrx tail misskey', () => {
  it('--emulator prints notes as NDJSON until Ctrl-C (SIGINT), then exits 0', async () => {
    const cli = startCli(['tail', 'misskey', 'homeTimeline', '--emulator']);
    await cli.waitForLine((_line, index) => index === 1);
    cli.signal('SIGINT');
    const { code, lines, stderr } = await cli.result();
    const messages = parseNdjson(lines);
    expect(messages.length).toBeGreaterThanOrEqual(2);
    for (const message of messages) expect(message).toMatchObject({ channel: 'homeTimeline', type: 'note', body: { user: { username: 'alice' } } });
    expect(stderr).toContain('SIGINT: stopping');
    expect(code).toBe(0);
  });

  it('tails the server named by the environment, with channel params', async (context) => {
    const emulator = await emulatorFor(context);
    const cli = startCli(['tail', 'misskey', 'hashtag', '--params', '{"q":[["cats"]]}', '--limit', '1'], { MISSKEY_ORIGIN: emulator.origin });
    // The emulator fans notes out to the four timelines only: the hashtag channel gets a hand-made event.
    const connected = setInterval(() => emulator.stats().channels > 0 && emulator.emit('hashtag', 'note', { id: 'n1', text: 'hello #cats' }), 10);
    const { code, lines } = await cli.result();
    clearInterval(connected);
    expect(parseNdjson(lines)).toMatchObject([{ channel: 'hashtag', type: 'note', body: { text: 'hello #cats' } }]);
    expect(emulator.receivedOfType('connect')).toMatchObject([{ body: { channel: 'hashtag', params: { q: [['cats']] } } }]);
    expect(code).toBe(0);
  });

  it('after a dropped connection that had worked, reconnects and goes on (no fail-fast then)', async (context) => {
    const emulator = await emulatorFor(context);
    const cli = startCli(['tail', 'misskey', 'localTimeline', '--limit', '2'], { MISSKEY_ORIGIN: emulator.origin });
    await vi.waitFor(() => expect(emulator.stats().channels).toBe(1), { interval: 10, timeout: 20_000 });
    emulator.createNote('alice', { text: 'before the drop' });
    await cli.waitForLine(() => true);
    emulator.dropConnections();
    await vi.waitFor(() => expect(emulator.stats().upgrades).toBe(2), { interval: 10, timeout: 20_000 });
    await vi.waitFor(() => expect(emulator.stats().channels).toBe(1), { interval: 10, timeout: 20_000 });
    emulator.createNote('alice', { text: 'after the drop' });
    const { code, lines, stderr } = await cli.result();
    expect(parseNdjson(lines).map((m) => (m['body'] as { text: string }).text)).toEqual(['before the drop', 'after the drop']);
    expect(stderr).toContain('connection lost, reconnecting');
    expect(code).toBe(0);
  });

  it('missing credentials: names the variables, exit 3', async () => {
    const { code, stdout, stderr } = await runCli(['tail', 'misskey', 'localTimeline']);
    expect(stdout).toBe('');
    expect(stderr).toBe('streamrx: misskey: missing credentials: set MISSKEY_ORIGIN (and MISSKEY_TOKEN for personal channels), or use --emulator\n');
    expect(code).toBe(3);
  });

  it('a refused login (bad token): one line without the token, exit 3', async (context) => {
    const emulator = await emulatorFor(context);
    const token = 'not-a-valid-token-93f1';
    const { code, stdout, stderr } = await runCli(['tail', 'misskey', 'homeTimeline', '-q'], { MISSKEY_ORIGIN: emulator.origin, MISSKEY_TOKEN: token });
    expect(stdout).toBe('');
    expect(stderr).toBe(`streamrx: misskey homeTimeline at ${emulator.origin}: login refused: streaming upgrade refused with 401 (bad or revoked token)\n`);
    expect(stderr).not.toContain(token);
    expect(emulator.stats().streamRequests).toBe(1);
    expect(code).toBe(3);
  });

  it('an unreachable host (closed port): one line, exit 4', async () => {
    const port = await closedPort();
    const { code, stderr } = await runCli(['tail', 'misskey', 'localTimeline', '-q'], { MISSKEY_ORIGIN: `http://127.0.0.1:${port}` });
    expect(stderr).toBe(`streamrx: misskey localTimeline at http://127.0.0.1:${port}: cannot connect: streaming socket failed: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(code).toBe(4);
  });

  it('a channel the server does not acknowledge: one line, exit 5', async (context) => {
    const emulator = await emulatorFor(context, { maxChannelsPerConnection: 0 });
    const { code, stderr } = await runCli(['tail', 'misskey', 'localTimeline', '--ack-timeout', '200', '-q'], { MISSKEY_ORIGIN: emulator.origin });
    expect(stderr).toMatch(/^streamrx: misskey localTimeline at http:\/\/127\.0\.0\.1:\d+: channel "localTimeline" was not acknowledged within 200 ms \(unknown to this server.*\)\n$/);
    expect(code).toBe(5);
  });
});
