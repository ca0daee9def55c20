import { Observable } from 'rxjs';
import WebSocket from 'ws';
import { AuthenticationError, ConnectionLostError, PermissionError, type StreamRxError } from '../core/errors.js';
import { redact } from '../core/redact.js';

/**
 * The part of a WebSocket the client uses: `ws`'s EventEmitter API (`on`), with a fallback to the WHATWG
 * `addEventListener` API (browsers, Node 22's global `WebSocket`).
 */
export interface WebSocketLike {
  /** The connection state: `0` connecting, `1` open, `2` closing, `3` closed. */
  readonly readyState: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Starts the closing handshake with an optional close code and reason. */
  close(code?: number, reason?: string): void;
  /** Kills the socket without a closing handshake (`ws`), used when the peer has gone silent. */
  terminate?(): void;
  /** `ws`'s EventEmitter API (`open`, `message`, `ping`, `close`, `error`); used when present. */
  on?(event: string, listener: (...args: never[]) => void): unknown;
  /** The WHATWG event API, used when `on` is absent. */
  addEventListener?(type: string, listener: (event: never) => void): void;
}

/** A WebSocket class: `ws`'s `WebSocket` (the default) or a WHATWG-compatible one. */
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/** What a socket link reports to its owner. */
export interface SocketLinkHandlers {
  /** The socket opened; it may be written to from now on. */
  opened(socket: WebSocketLike): void;
  /** A frame arrived; binary frames (`isBinary`) are not Misskey messages. */
  message(data: string | Buffer, isBinary: boolean): void;
  /** A protocol ping arrived (sign of life, answered by `ws` itself). */
  pinged(): void;
  /** A socket that had opened is gone (dropped, or closed by the owner). */
  closed(): void;
  /** Whether the owner is closing on purpose (close politely) rather than giving up on the socket (kill it). */
  polite(): boolean;
}

const OPEN = 1;

function upgradeError(message: string, secrets: ReadonlyArray<string | undefined>): StreamRxError {
  const status = /Unexpected server response: (\d+)/.exec(message)?.[1];
  if (status === '401') return new AuthenticationError('streaming upgrade refused with 401 (bad or revoked token)');
  if (status === '403') return new PermissionError('streaming upgrade refused with 403 (suspended user or missing permission)');
  return new ConnectionLostError(status ? `streaming upgrade refused with ${status}` : `streaming socket failed: ${redact(message, secrets)}`);
}

function listen(socket: WebSocketLike, events: Record<string, (...args: never[]) => void>): void {
  if (typeof socket.on === 'function') {
    for (const [name, listener] of Object.entries(events)) socket.on(name, listener);
    return;
  }
  const dom = events as Record<string, (...args: unknown[]) => void>;
  socket.addEventListener?.('open', () => dom['open']?.());
  socket.addEventListener?.('message', (e: { data: unknown }) => dom['message']?.(e.data, typeof e.data !== 'string'));
  socket.addEventListener?.('close', (e: { code: number }) => dom['close']?.(e.code));
  socket.addEventListener?.('error', () => dom['error']?.(new Error('WebSocket error')));
}

/**
 * One connection attempt as a cold Observable: opens a socket on subscribe, emits once when it is open,
 * errors when it fails or closes (401/403 upgrades as terminal {@link AuthenticationError}/
 * {@link PermissionError}, everything else as retryable {@link ConnectionLostError}), and closes the
 * socket on unsubscribe. Messages go to `handlers`, not through the Observable.
 *
 * @example
 * ```ts
 * socketLink('ws://127.0.0.1:3000/streaming', WebSocket, handlers, [token]).pipe(retryBackoff()).subscribe();
 * ```
 */
export function socketLink(url: string, WebSocketImpl: WebSocketConstructor | undefined, handlers: SocketLinkHandlers, secrets: ReadonlyArray<string | undefined>): Observable<void> {
  return new Observable<void>((subscriber) => {
    let wasOpen = false;
    let done = false;
    // Invalid UTF-8 is left to the frame parser (a skipped frame) instead of failing the whole socket with 1007.
    const socket: WebSocketLike = WebSocketImpl ? new WebSocketImpl(url) : (new WebSocket(url, { skipUTF8Validation: true }) as unknown as WebSocketLike);
    const finish = (error: StreamRxError): void => {
      if (done) return;
      done = true;
      subscriber.error(error);
    };
    listen(socket, {
      open: () => {
        wasOpen = true;
        handlers.opened(socket);
        subscriber.next();
      },
      message: handlers.message,
      ping: () => handlers.pinged(),
      error: (error: Error) => finish(upgradeError(error.message, secrets)),
      close: (code: number) => finish(new ConnectionLostError(`streaming socket closed (${code})`)),
    });
    return () => {
      done = true;
      if (socket.readyState <= OPEN) {
        if (!handlers.polite() && socket.readyState === OPEN && socket.terminate) socket.terminate();
        else socket.close(1000);
      }
      if (wasOpen) handlers.closed();
    };
  });
}
