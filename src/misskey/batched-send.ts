import type { WebSocketLike } from './socket-link.js';

/** The stream under a `ws` WebSocket (`net.Socket` or `tls.TLSSocket`): what batching needs of it. */
interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/** The `ws` socket's underlying stream, if the WebSocket is `ws`'s and has one. */
function underlyingStream(socket: WebSocketLike): CorkableStream | undefined {
  const stream = (socket as { _socket?: Partial<CorkableStream> | null })._socket;
  return stream && typeof stream.cork === 'function' && typeof stream.uncork === 'function' ? (stream as CorkableStream) : undefined;
}

/**
 * A send function for one socket that writes every frame sent in the same tick with one system call: the
 * first send of a tick corks the underlying stream and the next `process.nextTick` uncorks it. `ws` writes
 * each frame on its own otherwise, and 64 requests sent from 64 promise continuations cost 64 `writev`s.
 * Frames keep their order. A WebSocket that is not `ws`'s (no underlying stream) sends each frame directly.
 * @example
 * ```ts
 * const send = batchedSend(socket);
 * for (const id of noteIds) send(JSON.stringify({ type: 'subNote', body: { id } })); // one writev
 * ```
 */
export function batchedSend(socket: WebSocketLike): (frame: string) => void {
  const stream = underlyingStream(socket);
  if (!stream) return (frame) => socket.send(frame);
  let corked = false;
  const uncork = (): void => {
    corked = false;
    stream.uncork();
  };
  return (frame) => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    socket.send(frame);
  };
}
