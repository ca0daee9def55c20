import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP relay in front of a local port, so the emulator can cut every client connection for real. */
export interface TcpProxy {
  readonly port: number;
  /** Client connections currently relayed. */
  readonly connections: number;
  /** Destroys every relayed connection (both sides); new connections are accepted as before. Returns how many clients were cut. */
  dropAll(): number;
  close(): Promise<void>;
}

/** Relays `127.0.0.1:<random>` to `127.0.0.1:targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const clients = new Set<Socket>();
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    track(client);
    track(upstream);
    clients.add(client);
    client.on('close', () => clients.delete(client));
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = (): number => {
    const cut = clients.size;
    for (const socket of sockets) socket.destroy();
    return cut;
  };
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return clients.size;
    },
    dropAll,
    close: () =>
      new Promise<void>((resolve) => {
        dropAll();
        server.close(() => resolve());
      }),
  };
}
