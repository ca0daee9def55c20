import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable, share, Subject, tap } from 'rxjs';
import { dedupeBy, type DedupeOptions } from '../core/dedupe-by.js';
import { AuthenticationError, InvalidArgumentError, ProtocolError } from '../core/errors.js';
import { isPing } from './event-narrowing.js';
import type { CursorStore } from '../state/cursor-store.js';
import { PersistedIdWindow } from '../state/persisted-id-window.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import type { Telemetry, WebhookOutcome } from '../telemetry/telemetry.js';
import { MIXI2_SIGNATURE_HEADER, MIXI2_TIMESTAMP_HEADER, mixi2WebhookVerifier, StaleTimestampError, type Mixi2WebhookVerifyOptions } from './webhook-verify.js';

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
  /** Where each delivery's outcome and duration is reported, e.g. `otelTelemetry()` from `streamrx/telemetry`. @default none */
  telemetry?: Telemetry;
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
  // Counts what passes de-duplication, so that a delivery of only duplicates is told apart.
  let passed = 0;
  const events$ = (options.telemetry ? deduped.pipe(tap(() => passed++)) : deduped).pipe(share());

  /** Emits the new events of a verified delivery and answers it: 204 once their ids are stored (with a store). */
  const deliver = (reply: Reply, events: readonly Event[]): void => {
    const fresh = events.filter((event) => !isPing(event));
    if (!handled) {
      const before = passed;
      for (const event of fresh) received.next(event);
      return reply(204, fresh.length > 0 && passed === before ? 'duplicate' : 'accepted', events.length);
    }
    handled
      .load()
      .then(() => {
        const unseen = fresh.filter((event) => !handled.has(event.eventId));
        if (unseen.length === 0) return fresh.length > 0 ? 'duplicate' : 'accepted';
        handled.remember(unseen.map((event) => event.eventId));
        for (const event of unseen) received.next(event);
        return handled.persist().then((): WebhookOutcome => 'accepted');
      })
      .then(
        (outcome) => reply(204, outcome, events.length),
        // Not stored: no 204, so mixi2 retries (and the event may be handled again).
        () => reply(503, 'unavailable', events.length),
      );
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const reply = replier(response, options.telemetry);
    if (request.method !== 'POST') return reply(405, 'bad_request');
    if (!received.observed) return reply(503, 'unavailable');
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > maxBodyBytes) {
      request.resume();
      return reply(413, 'too_large');
    }
    readBody(request, maxBodyBytes).then(
      (body) => {
        let events: Event[];
        try {
          events = check({ body, signature: header(request, MIXI2_SIGNATURE_HEADER), timestamp: header(request, MIXI2_TIMESTAMP_HEADER) });
        } catch (error) {
          return reply(statusOf(error), outcomeOf(error));
        }
        deliver(reply, events);
      },
      (error: unknown) => reply(statusOf(error), outcomeOf(error)),
    );
  };
  return { handle, events$ };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Answers a delivery, telling the telemetry (if any) how and how fast. */
type Reply = (status: number, outcome: WebhookOutcome, events?: number) => void;

function replier(response: ServerResponse, telemetry: Telemetry | undefined): Reply {
  if (telemetry === undefined) return (status) => answer(response, status);
  const startTime = Date.now();
  const started = performance.now();
  return (status, outcome, events = 0) => {
    answer(response, status);
    telemetry.webhookDelivery({ outcome, status, events, startTime, durationMs: performance.now() - started });
  };
}

function outcomeOf(error: unknown): WebhookOutcome {
  if (error instanceof StaleTimestampError) return 'stale';
  if (error instanceof AuthenticationError) return 'bad_signature';
  if (error instanceof InvalidArgumentError) return 'too_large';
  return 'bad_request';
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
