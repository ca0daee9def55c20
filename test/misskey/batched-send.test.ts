import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { batchedSend } from '../../src/misskey/batched-send.js';
import type { WebSocketLike } from '../../src/misskey/socket-link.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A ws client connected to a ws server; `receive(n)` resolves with the first `n` frames the server got. */
async function connectedPair(): Promise<{ client: WebSocket; receive(n: number): Promise<string[]> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const received: string[] = [];
  let wanted = { n: Infinity, resolve: (_: string[]) => {} };
  server.on('connection', (peer) =>
    peer.on('message', (data: Buffer) => {
      received.push(data.toString());
      if (received.length === wanted.n) wanted.resolve(received);
    }),
  );
  const receive = (n: number) => new Promise<string[]>((resolve) => (wanted = { n, resolve }));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await once(client, 'open');
  cleanups.push(() => {
    client.terminate();
    server.close();
  });
  return { client, receive };
}

describe('batchedSend', () => {
  it('writes the frames sent in one tick with one system call, in order', async () => {
    const { client, receive } = await connectedPair();
    const received = receive(64);
    const stream = (client as unknown as { _socket: Socket & { _writev(...args: unknown[]): void } })._socket;
    const writev = stream._writev.bind(stream);
    let writevCalls = 0;
    stream._writev = (...args: unknown[]) => {
      writevCalls += 1;
      writev(...args);
    };
    const send = batchedSend(client as unknown as WebSocketLike);
    const frames = Array.from({ length: 64 }, (_, i) => JSON.stringify({ type: 'api', id: String(i) }));
    await Promise.all(frames.map(async (frame) => send(frame))); // 64 sends from 64 continuations
    await new Promise((resolve) => setImmediate(resolve));
    expect(writevCalls).toBe(1);
    expect(await received).toEqual(frames);
  });

  it('sends each frame directly on a WebSocket without an underlying stream', () => {
    const sent: string[] = [];
    const whatwg: WebSocketLike = { readyState: 1, send: (data) => sent.push(data), close: () => undefined };
    const send = batchedSend(whatwg);
    send('a');
    send('b');
    expect(sent).toEqual(['a', 'b']);
  });
});
