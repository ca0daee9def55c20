import { createServer, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, killLeftovers, prepareCompiledCli, parseNdjson, runCli, startCli, type CliProcess } from './cli-process.js';

beforeAll(prepareCompiledCli, 120_000);
afterAll(async () => {
  expect(await killLeftovers()).toBe(0);
});

const readyLine = (line: string): boolean => line.startsWith('# ready');

/** The `export NAME=value` lines printed so far, as a record. */
function exportsOf(cli: CliProcess): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of cli.lines) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) variables[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return variables;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe.concurrent('streamrx emulate', () => {
  it('prints the variables, serves every tail command with them, and exits 0 on SIGINT', async () => {
    const emulate = startCli(['emulate', '--traffic']);
    await emulate.waitForLine(readyLine);
    expect(emulate.lines.at(-1)).toMatch(/^# ready/);
    const env = exportsOf(emulate);
    expect(Object.keys(env).sort()).toEqual(
      [
        'MIXI2_CLIENT_ID',
        'MIXI2_CLIENT_SECRET',
        'MIXI2_TOKEN_URL',
        'MIXI2_STREAM_ADDRESS',
        'MIXI2_API_ADDRESS',
        'MIXI2_WEBHOOK_PUBLIC_KEY',
        'MISSKEY_ORIGIN',
        'MISSKEY_TOKEN',
        'MOMENTO_LOCAL_ENDPOINT',
      ].sort(),
    );
    expect(emulate.stdout).toContain(`# misskey emulator: ${env['MISSKEY_ORIGIN']}`);

    const tails = await Promise.all([
      runCli(['tail', 'mixi2', '-n', '1', '-q'], env),
      runCli(['tail', 'misskey', 'homeTimeline', '-n', '1', '-q'], env),
      runCli(['tail', 'momento', 'cache', 'demo', '-n', '1', '-q'], env),
    ]);
    for (const tail of tails) {
      expect(tail.stderr).toBe('');
      expect(parseNdjson(tail.lines)).toHaveLength(1);
      expect(tail.code).toBe(0);
    }

    const misskeyPort = Number(new URL(env['MISSKEY_ORIGIN'] ?? '').port);
    emulate.signal('SIGINT');
    const { code, signal, stderr } = await emulate.result();
    expect(stderr).toBe('streamrx: SIGINT: stopping the emulators\n');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(await accepts(misskeyPort)).toBe(false);
  });

  it('listens on the ports it is given and exits 0 on SIGTERM', async () => {
    const [misskeyPort, momentoPort] = await Promise.all([closedPort(), closedPort()]);
    const emulate = startCli(['emulate', '--misskey-port', String(misskeyPort), '--momento-port', String(momentoPort), '--quiet']);
    await emulate.waitForLine(readyLine);
    const env = exportsOf(emulate);
    expect(env['MISSKEY_ORIGIN']).toBe(`http://127.0.0.1:${misskeyPort}`);
    expect(env['MOMENTO_LOCAL_ENDPOINT']).toBe(`127.0.0.1:${momentoPort}`);
    expect(emulate.lines.filter((line) => line.startsWith('#'))).toHaveLength(1);
    expect(await accepts(momentoPort)).toBe(true);
    emulate.signal('SIGTERM');
    expect(await emulate.result()).toMatchObject({ code: 0, signal: null, stderr: '' });
    expect(await accepts(momentoPort)).toBe(false);
  });

  it('a port in use: one line, exit 1, nothing left running', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await runCli(['emulate', '--misskey-port', String(port)]);
      expect(stdout).toBe('');
      expect(stderr).toBe(`streamrx: emulate: cannot start the emulators: listen EADDRINUSE: address already in use 127.0.0.1:${port}\n`);
      expect(code).toBe(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
