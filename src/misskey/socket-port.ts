/**
 * What the parts of a session (note subscriptions, stream API) need from the shared socket: send a frame
 * if it is open, and hold or release a lease on it.
 */
export interface SocketPort {
  /** Sends `frame` and returns `true` when the socket is open; returns `false` (nothing sent) otherwise. */
  send(frame: string): boolean;
  /** Keeps the socket open (and opens it if needed) until the matching {@link release}. */
  acquire(): void;
  release(): void;
}

/** A subscriber-like listener of a session's messages. */
export interface Listener {
  next(value: unknown): void;
  error(error: unknown): void;
}
