import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { startMomentoEmulator, type MomentoEmulator, type MomentoEmulatorOptions } from '../../src/testing/momento/index.js';
import { closedPort, killLeftovers, prepareCompiledCli, parseNdjson, runCli, startCli } from './cli-process.js';

beforeAll(prepareCompiledCli, 120_000);
afterAll(async () => {
  expect(await killLeftovers()).toBe(0);
});

/** An emulator for one (concurrent) test, checked for leftover streams and closed when the test ends. */
async function emulatorFor({ onTestFinished }: TestContext, options: MomentoEmulatorOptions = {}): Promise<MomentoEmulator> {
  const emulator = await startMomentoEmulator({ heartbeatIntervalMs: 0, ...options });
  onTestFinished(async () => {
    await emulator.waitFor(() => emulator.stats().openStreams === 0, 'the CLI to close its stream');
    await emulator.close();
  });
  return emulator;
}

describe.concurrent('streamrx tail momento', () => {
  it('--emulator --limit 3 prints 3 items as NDJSON and exits 0', async () => {
    const { code, lines, stderr } = await runCli(['tail', 'momento', 'cache', 'demo', '--emulator', '--limit', '3']);
    expect(stderr).toContain('connected');
    expect(parseNdjson(lines)).toEqual([1, 2, 3].map((n) => ({ type: 'item', sequenceNumber: n, sequencePage: 1, publisherId: '', text: JSON.stringify({ n, text: `hello #${n}` }) })));
    expect(code).toBe(0);
  });

  it('tails the server of MOMENTO_LOCAL_ENDPOINT: text, bytes as base64, discontinuities', async (context) => {
    const emulator = await emulatorFor(context);
    const cli = startCli(['tail', 'momento', 'cache', 'topic', '--limit', '3', '-q'], { MOMENTO_LOCAL_ENDPOINT: emulator.endpoint });
    await emulator.waitFor(() => emulator.stats().openStreams === 1, 'the CLI to subscribe', 20_000);
    emulator.publish('cache', 'topic', 'hello');
    emulator.discontinuity('cache', 'topic', { skip: 2 });
    emulator.publish('cache', 'topic', new Uint8Array([0, 1, 254, 255]));
    const { code, lines } = await cli.result();
    expect(parseNdjson(lines)).toMatchObject([
      { type: 'item', sequenceNumber: 1, text: 'hello' },
      { type: 'discontinuity', lastSequenceNumber: 1, newSequenceNumber: 3, origin: 'service' },
      { type: 'item', sequenceNumber: 4, bytes: Buffer.from([0, 1, 254, 255]).toString('base64') },
    ]);
    expect(code).toBe(0);
  });

  it('missing credentials: names the variables, exit 3', async () => {
    const { code, stdout, stderr } = await runCli(['tail', 'momento', 'cache', 'topic']);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'streamrx: momento: missing credentials: set MOMENTO_API_KEY (and MOMENTO_ENDPOINT for a v2 key), or MOMENTO_LOCAL_ENDPOINT=host:port for a local server, or use --emulator\n',
    );
    expect(code).toBe(3);
  });

  it('a refused login (the server wants another key): one line, exit 3', async (context) => {
    const emulator = await emulatorFor(context, { apiKey: 'the-only-accepted-key' });
    const { code, stdout, stderr } = await runCli(['tail', 'momento', 'cache', 'topic', '-q'], { MOMENTO_LOCAL_ENDPOINT: emulator.endpoint });
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^streamrx: momento topic cache\/topic at 127\.0\.0\.1:\d+: login refused: momento subscribe failed: AUTHENTICATION_ERROR: .*\n$/);
    expect(code).toBe(3);
  });

  it('an unknown cache: one line, exit 5', async (context) => {
    const emulator = await emulatorFor(context, { caches: ['cache'] });
    const { code, stderr } = await runCli(['tail', 'momento', 'nocache', 'topic', '-q'], { MOMENTO_LOCAL_ENDPOINT: emulator.endpoint });
    expect(stderr).toMatch(/^streamrx: momento topic nocache\/topic at 127\.0\.0\.1:\d+: not found: momento subscribe failed: NOT_FOUND_ERROR: .*\n$/);
    expect(code).toBe(5);
  });

  it('an unreachable host (closed port): one line, exit 4', async () => {
    const port = await closedPort();
    const { code, stderr } = await runCli(['tail', 'momento', 'cache', 'topic', '-q'], { MOMENTO_LOCAL_ENDPOINT: `127.0.0.1:${port}` });
    expect(stderr).toMatch(new RegExp(`^streamrx: momento topic cache/topic at 127\\.0\\.0\\.1:${port}: cannot connect: momento subscribe failed: SERVER_UNAVAILABLE: .*ECONNREFUSED.*\\n$`));
    expect(code).toBe(4);
  });
});
