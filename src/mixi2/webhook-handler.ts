import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable, share, Subject } from 'rxjs';
import { dedupeBy, type DedupeOptions } from '../core/dedupe-by.js';
import { AuthenticationError, InvalidArgumentError, ProtocolError } from '../core/errors.js';
import { isPing } from './event-narrowing.js';
import type { CursorStore } from '../state/cursor-store.js';
import { PersistedIdWindow } from '../state/persisted-id-window.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { MIXI2_SIGNATURE_HEADER, MIXI2_TIMESTAMP_HEADER, mixi2WebhookVerifier, type Mixi2WebhookVerifyOptions } from './webhook-verify.js';

/**
 * Options of {@link mixi2WebhookHandler}.
 *
 * @example
 * ```ts
 * mixi2WebhookHandler({ publicKey, maxBodyBytes: 256 * 1024, dedupe: { capacity: 50_000, ttl: 3_600_000 } });
 * ```
 */
export interface Mixi2WebhookHandlerOptions extends Mixi2WebhookVerifyOptions {
  /** Largest accepted body, in bytes; larger deliveries are answered 413. @default 1048576 */
  maxBodyBytes?: number;
  /**
   * Drop repeated `event_id`s (mixi2 retries a delivery up to 3 times, 30 s apart); `false` keeps them.
   * @default { capacity: 10000, ttl: 600000 }
   */
  dedupe?: DedupeOptions | false;
  /**
   * Keep the duplicate window in a cursor store (e.g. `fileCursorStore`), so that it survives a restart: a
   * delivery mixi2 retries after the receiver restarted is answered 204 and not emitted again. Each new
   * event is emitted first, then its id is stored, then the delivery is answered 204 (a crash in between
   * means no 204, so mixi2 retries and the event is handled again: at least once). Uses `dedupe`'s
   * `capacity` and `ttl` (`dedupe: false` is not allowed with it).
   * @default none (the window lives in memory)
   */
  store?: {
    /** Where the window is kept. */
    cursorStore: CursorStore;
    /** The key it is kept under. @default 'mixi2:webhook:handled' */
    key?: string;
  };
}

/**
 * A webhook endpoint to mount on an existing `node:http` server.
 *
 * @example
 * ```ts
 * const hook: Mixi2WebhookHandler = mixi2WebhookHandler({ publicKey });
 * server.on('request', (req, res) => hook.handle(req, res));
 * ```
 */
export interface Mixi2WebhookHandler {
  /** Answers one request: 204 verified, 401 bad signature or timestamp, 400 undecodable body, 413 too large, 405 not POST, 503 nobody subscribed. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** The verified, de-duplicated, non-ping events. Hot: deliveries while nobody subscribes are answered 503 so mixi2 retries them. */
  readonly events$: Observable<Event>;
}

/**
 * The webhook receiver as a request handler for a server you already run. Verification follows the fact
 * sheet exactly (see {@link mixi2WebhookVerifier}); the answer is 204 as soon as the delivery is verified
 * and decoded, as in the official SDKs, whatever the subscribers do with the events.
 *
 * @example
 * ```ts
 * const hook = mixi2WebhookHandler({ publicKey: process.env.SIGNATURE_PUBLIC_KEY! });
 * http.createServer((req, res) => (req.url === '/events' ? hook.handle(req, res) : res.writeHead(404).end())).listen(8080);
 * hook.events$.pipe(filter(isPostCreated)).subscribe(reply);
 * ```
 */
export function mixi2WebhookHandler(options: Mixi2WebhookHandlerOptions): Mixi2WebhookHandler {
  const { maxBodyBytes = 1_048_576, dedupe = { capacity: 10_000, ttl: 600_000 } } = options;
  const check = mixi2WebhookVerifier(options);
  const received = new Subject<Event>();
  if (options.store && dedupe === false) throw new InvalidArgumentError('mixi2WebhookHandler: store needs de-duplication (dedupe must not be false)');
  const handled = options.store
    ? new PersistedIdWindow(options.store.cursorStore, options.store.key ?? 'mixi2:webhook:handled', { capacity: dedupe ? dedupe.capacity : undefined, ttl: dedupe ? dedupe.ttl : undefined })
    : undefined;
  const deduped = dedupe === false || handled ? received : received.pipe(dedupeBy((e: Event) => e.eventId, dedupe));
  const events$ = deduped.pipe(share());

  /** Emits the new events of a verified delivery and answers it: 204 once their ids are stored (with a store). */
  const deliver = (response: ServerResponse, events: readonly Event[]): void => {
    const fresh = events.filter((event) => !isPing(event));
    if (!handled) {
      answer(response, 204);
      for (const event of fresh) received.next(event);
      return;
    }
    handled
      .load()
      .then(() => {
        const unseen = fresh.filter((event) => !handled.has(event.eventId));
        if (unseen.length === 0) return undefined;
        handled.remember(unseen.map((event) => event.eventId));
        for (const event of unseen) received.next(event);
        return handled.persist();
      })
      .then(
        () => answer(response, 204),
        // Not stored: no 204, so mixi2 retries (and the event may be handled again).
        () => answer(response, 503),
      );
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== 'POST') return answer(response, 405);
    if (!received.observed) return answer(response, 503);
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      request.resume();
      return answer(response, 413);
    }
    readBody(request, maxBodyBytes).then(
      (body) => {
        let events: Event[];
        try {
          events = check({ body, signature: header(request, MIXI2_SIGNATURE_HEADER), timestamp: header(request, MIXI2_TIMESTAMP_HEADER) });
        } catch (error) {
          return answer(response, statusOf(error));
        }
        deliver(response, events);
      },
      (error: unknown) => answer(response, statusOf(error)),
    );
  };
  return { handle, events$ };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function statusOf(error: unknown): number {
  if (error instanceof AuthenticationError) return 401;
  if (error instanceof ProtocolError) return 400;
  if (error instanceof InvalidArgumentError) return 413;
  return 500;
}

function answer(response: ServerResponse, status: number): void {
  if (response.headersSent) return;
  response.writeHead(status, status === 413 ? { connection: 'close' } : {}).end();
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new InvalidArgumentError(`webhook body exceeds ${maxBytes} bytes`));
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks, size)));
    request.on('error', reject);
  });
}
