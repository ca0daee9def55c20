import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { buildPostCreatedEvent, startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/index.js';
import { closedPort, killLeftovers, prepareCompiledCli, parseNdjson, runCli } from './cli-process.js';

beforeAll(prepareCompiledCli, 120_000);
afterAll(async () => {
  expect(await killLeftovers()).toBe(0);
});

/** An emulator for one (concurrent) test, checked for leftover streams and closed when the test ends. */
async function emulatorFor({ onTestFinished }: TestContext): Promise<Mixi2Emulator> {
  const emulator = await startMixi2Emulator({ pingInterval: Infinity });
  onTestFinished(async () => {
    await emulator.waitForStreams(0);
    await emulator.close();
  });
  return emulator;
}

function envOf(emulator: Mixi2Emulator, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    MIXI2_CLIENT_ID: emulator.clientId,
    MIXI2_CLIENT_SECRET: emulator.clientSecret,
    MIXI2_TOKEN_URL: emulator.tokenUrl,
    MIXI2_STREAM_ADDRESS: emulator.streamAddress,
    MIXI2_API_ADDRESS: emulator.apiAddress,
    ...overrides,
  };
}

describe.concurrent('streamrx tail mixi2', () => {
  it('--emulator --limit 4 prints 4 events as NDJSON (bigint as strings) and exits 0', async () => {
    const { code, lines, stderr } = await runCli(['tail', 'mixi2', '--emulator', '--limit', '4']);
    expect(stderr).toContain('connected');
    const events = parseNdjson(lines);
    expect(events).toHaveLength(4);
    for (const event of events) expect(event).toMatchObject({ eventId: expect.any(String), body: { $case: expect.any(String) } });
    const kinds = events.map((e) => (e['body'] as { $case: string }).$case);
    expect(kinds).toEqual(['postCreatedEvent', 'chatMessageReceivedEvent', 'communityMemberChangedEvent', 'postCreatedEvent']);
    const createdAt = (events[0] as { body: { value: { post: { createdAt: { seconds: unknown } } } } }).body.value.post.createdAt;
    expect(createdAt.seconds).toMatch(/^\d+$/);
    expect(code).toBe(0);
  });

  it('tails the service named by the environment', async (context) => {
    const emulator = await emulatorFor(context);
    const pushing = emulator.openStreams$.subscribe((open) => {
      if (open > 0) emulator.push([buildPostCreatedEvent({ text: 'one' }), buildPostCreatedEvent({ text: 'two' })]);
    });
    const { code, lines } = await runCli(['tail', 'mixi2', '-n', '2', '-q'], envOf(emulator));
    pushing.unsubscribe();
    expect(parseNdjson(lines).map((e) => (e as { body: { value: { post: { text: string } } } }).body.value.post.text)).toEqual(['one', 'two']);
    expect(code).toBe(0);
  });

  it('missing credentials: names the variables, exit 3', async () => {
    const { code, stdout, stderr } = await runCli(['tail', 'mixi2'], { MIXI2_CLIENT_ID: 'only-the-id' });
    expect(stdout).toBe('');
    expect(stderr).toBe('streamrx: mixi2: missing credentials: set MIXI2_CLIENT_SECRET (optionally MIXI2_TOKEN_URL, MIXI2_STREAM_ADDRESS, MIXI2_API_ADDRESS), or use --emulator\n');
    expect(code).toBe(3);
  });

  it('a refused login (wrong client secret): one line without the secret, exit 3', async (context) => {
    const emulator = await emulatorFor(context);
    const secret = 'wrong-secret-b2f1c9d7e5';
    const { code, stdout, stderr } = await runCli(['tail', 'mixi2', '-q'], envOf(emulator, { MIXI2_CLIENT_SECRET: secret }));
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^streamrx: mixi2 \(stream 127\.0\.0\.1:\d+\): login refused: token endpoint answered 401 invalid_client.*\n$/);
    expect(stderr).not.toContain(secret);
    expect(emulator.stats().tokenRequests).toBe(1);
    expect(code).toBe(3);
  });

  it('an unreachable host (closed port): one line, exit 4, no retries', async (context) => {
    const emulator = await emulatorFor(context);
    const port = await closedPort();
    const { code, stderr } = await runCli(['tail', 'mixi2', '-q'], envOf(emulator, { MIXI2_STREAM_ADDRESS: `127.0.0.1:${port}` }));
    expect(stderr).toMatch(new RegExp(`^streamrx: mixi2 \\(stream 127\\.0\\.0\\.1:${port}\\): cannot connect: .*UNAVAILABLE.*\\n$`));
    expect(emulator.stats().streamRequests).toBe(0);
    expect(code).toBe(4);
  });
});
