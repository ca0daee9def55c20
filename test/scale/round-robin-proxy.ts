import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A round-robin HTTP proxy on 127.0.0.1, standing in for the load balancer in front of webhook receivers. */
export interface RoundRobinProxy {
  readonly url: string;
  /** Requests forwarded to each target, by target index. */
  readonly forwarded: number[];
  close(): Promise<void>;
}

/**
 * Starts a proxy forwarding each request to the next of `targets` (base URLs). With `loseEveryNthAnswer`,
 * every n-th request is forwarded and handled but answered 502, as when a response is lost on the way
 * back: the sender retries a delivery that was in fact handled.
 */
export async function startRoundRobinProxy(targets: readonly string[], options: { loseEveryNthAnswer?: number } = {}): Promise<RoundRobinProxy> {
  const forwarded = targets.map(() => 0);
  let next = 0;
  let served = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const index = next++ % targets.length;
    const lose = options.loseEveryNthAnswer !== undefined && ++served % options.loseEveryNthAnswer === 0;
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    const target = new URL(incoming.url ?? '/', targets[index]);
    const upstream = request(target, { method: incoming.method, headers: incoming.headers }, (answer) => {
      if (lose) {
        answer.resume();
        answer.on('end', () => outgoing.writeHead(502).end());
        return;
      }
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
