import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';

/**
 * A plaintext gRPC server on 127.0.0.1 whose TCP sockets we own: grpc-js serves HTTP/2 on connections we
 * accept ourselves (`createConnectionInjector`), so a test can cut every connection the way a network
 * failure does (the client sees UNAVAILABLE, not the CANCELLED of `forceShutdown`). Services are added
 * before `listen`, which lets several emulated Momento services share one port.
 */
export interface GrpcHost {
  /** Registers a service; only before {@link GrpcHost.listen}. */
  addService(definition: ServiceDefinition, implementation: UntypedServiceImplementation): void;
  /** Starts accepting connections on 127.0.0.1; resolves with the bound port. */
  listen(port: number): Promise<number>;
  /** Destroys every open TCP connection; returns how many there were. */
  dropConnections(): number;
  /** Open TCP connections. */
  readonly connectionCount: number;
  /** Cuts every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/**
 * Creates a {@link GrpcHost}; nothing listens until `listen`. `onConnections` hears the number of open
 * connections after each change.
 */
export function createGrpcHost(onConnections: (open: number) => void = () => {}): GrpcHost {
  const grpcServer = new Server();
  const sockets = new Set<Socket>();
  let netServer: NetServer | undefined;
  let injector: ReturnType<Server['createConnectionInjector']> | undefined;
  let closed: Promise<void> | undefined;

  const dropConnections = (): number => {
    const count = sockets.size;
    for (const socket of sockets) socket.destroy();
    return count;
  };

  const listen = (port: number): Promise<number> => {
    if (netServer) return Promise.reject(new Error('the gRPC host is already listening'));
    const connector = grpcServer.createConnectionInjector(ServerCredentials.createInsecure());
    injector = connector;
    const server = createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      const gone = (): void => {
        if (sockets.delete(socket)) onConnections(sockets.size);
      };
      socket.on('close', gone);
      socket.on('error', gone);
      connector.injectConnection(socket);
      onConnections(sockets.size);
    });
    netServer = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  };

  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      dropConnections();
      injector?.destroy();
      grpcServer.forceShutdown();
      if (!netServer) resolve();
      else netServer.close(() => resolve());
    });
    return closed;
  };

  return {
    addService: (definition, implementation) => {
      if (netServer) throw new Error('services must be added before listen()');
      grpcServer.addService(definition, implementation);
    },
    listen,
    dropConnections,
    get connectionCount() {
      return sockets.size;
    },
    close,
  };
}
