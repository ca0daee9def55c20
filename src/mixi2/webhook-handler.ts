import type { IncomingMessage, ServerResponse } from 'node:http';
import { Observable, share, Subject } from 'rxjs';
import { dedupeBy, type DedupeOptions } from '../core/dedupe-by.js';
import { AuthenticationError, InvalidArgumentError, ProtocolError } from '../core/errors.js';
import { isPing } from './event-narrowing.js';
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
  const events$ = (dedupe === false ? received : received.pipe(dedupeBy((e: Event) => e.eventId, dedupe))).pipe(share());

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
        answer(response, 204);
        for (const event of events) if (!isPing(event)) received.next(event);
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
