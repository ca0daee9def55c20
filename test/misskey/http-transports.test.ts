import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionLostError, RequestTimeoutError } from '../../src/core/errors.js';
import { fetchTransport, misskey, nodeHttpTransport, undiciTransport, type HttpTransport } from '../../src/misskey/index.js';
import { fastClient, failure, until } from './helpers.js';

/** A server whose requests wait until the test answers them; it records what it was sent. */
class HeldServer {
  readonly held: Array<{ req: IncomingMessage; res: ServerResponse; body: string; closed: boolean }> = [];
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { req, res, body: Buffer.concat(chunks).toString(), closed: false };
      res.on('close', () => void (entry.closed = true));
      this.held.push(entry);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const transports: Array<[string, () => HttpTransport | undefined]> = [
  ['the default (undici)', () => undefined],
  ['undiciTransport', () => undiciTransport()],
  ['nodeHttpTransport', () => nodeHttpTransport()],
  ['fetchTransport', () => fetchTransport(globalThis.fetch as never)],
];

let server: HeldServer;
afterEach(() => server?.close());

describe.each(transports)('HTTP transport: %s', (_name, transportOf) => {
  const client = (origin: string, timeout = 30_000) => misskey({ origin, token: 'secret-token', ...fastClient, http: { ...fastClient.http, transport: transportOf(), timeout } });

  it('posts JSON with the token as i and hands back the parsed answer, whole when it comes in many chunks', async () => {
    server = new HeldServer();
    const origin = await server.start();
    const answer = firstValueFrom(client(origin).api('notes/show', { noteId: 'n1' }));
    await until(() => server.held.length === 1);
    const [call] = server.held;
    expect(call?.req.url).toBe('/api/notes/show');
    expect(call?.req.headers['content-type']).toBe('application/json');
    expect(JSON.parse(call?.body ?? '')).toEqual({ noteId: 'n1', i: 'secret-token' });
    call?.res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'n1', text: 'ü'.repeat(40_000) }));
    expect(await answer).toEqual({ id: 'n1', text: 'ü'.repeat(40_000) });
  });

  it('aborts the request on the wire when the caller unsubscribes', async () => {
    server = new HeldServer();
    const origin = await server.start();
    const subscription = client(origin).api('i').subscribe();
    await until(() => server.held.length === 1);
    subscription.unsubscribe();
    await until(() => server.held[0]?.closed === true);
  });

  it('ends an unanswered attempt with RequestTimeoutError and closes it', async () => {
    server = new HeldServer();
    const origin = await server.start();
    expect(await failure(firstValueFrom(client(origin, 100).api('i')))).toBeInstanceOf(RequestTimeoutError);
    await until(() => server.held.every((call) => call.closed));
  });

  it('reports a refused connection as ConnectionLostError without the token', async () => {
    server = new HeldServer();
    const origin = await server.start();
    await server.close();
    const error = await failure(firstValueFrom(client(origin).api('i')));
    expect(error).toBeInstanceOf(ConnectionLostError);
    expect(String((error as Error).message)).not.toContain('secret-token');
  });
});
