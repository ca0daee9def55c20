import { Client, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';

/** A gRPC client created on first use and closed once nobody has used it for `lingerMs`. */
export interface LentClient {
  acquire(): Client;
  release(): void;
}

/**
 * Lends one gRPC channel to overlapping calls: it opens on the first `acquire`, and closes `lingerMs` after
 * the last `release` (so sequential calls reuse the connection, and an idle client holds no socket).
 * The linger timer does not keep the process alive.
 */
export function lentClient(address: string, credentials: ChannelCredentials, options: ChannelOptions, lingerMs: number): LentClient {
  let client: Client | undefined;
  let users = 0;
  let closeTimer: NodeJS.Timeout | undefined;
  const close = (): void => {
    closeTimer = undefined;
    client?.close();
    client = undefined;
  };
  return {
    acquire: () => {
      if (closeTimer !== undefined) clearTimeout(closeTimer);
      closeTimer = undefined;
      users += 1;
      client ??= new Client(address, credentials, options);
      return client;
    },
    release: () => {
      users -= 1;
      if (users > 0) return;
      if (lingerMs <= 0) close();
      else closeTimer = setTimeout(close, lingerMs).unref();
    },
  };
}
