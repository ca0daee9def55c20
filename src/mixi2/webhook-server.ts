import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Observable } from 'rxjs';
import { InvalidArgumentError } from '../core/errors.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { mixi2WebhookHandler, type Mixi2WebhookHandlerOptions } from './webhook-handler.js';

/**
 * Options of {@link mixi2Webhook}.
 *
 * @example
 * ```ts
 * mixi2Webhook({ publicKey, port: 0, onListening: (url) => console.log('register', url) });
 * ```
 */
export interface Mixi2WebhookOptions extends Mixi2WebhookHandlerOptions {
  /** Interface to listen on. @default '0.0.0.0' */
  host?: string;
  /** Port to listen on; 0 picks a free one (see `onListening`). @default 8080 */
  port?: number;
  /** Path of the webhook endpoint; `GET /healthz` answers 200 as the official SDK does. @default '/events' */
  path?: string;
  /** Told the URL once the server listens. @default none */
  onListening?: (url: string) => void;
}

/**
 * A cold Observable of verified mixi2 webhook events: subscribing starts an HTTP server, unsubscribing
 * stops it and drops its connections. Signatures, timestamps, sizes and duplicates are handled as in
 * {@link mixi2WebhookHandler}; pings are answered and not emitted. A server that cannot listen errors with
 * {@link InvalidArgumentError}.
 *
 * @example
 * ```ts
 * mixi2Webhook({ publicKey: process.env.SIGNATURE_PUBLIC_KEY!, port: 8080 })
 *   .pipe(filter(isChatMessageReceived))
 *   .subscribe((e) => answer(e.body.value.message));
 * ```
 */
export function mixi2Webhook(options: Mixi2WebhookOptions): Observable<Event> {
  const { host = '0.0.0.0', port = 8080, path = '/events', onListening } = options;
  return new Observable<Event>((subscriber) => {
    const hook = mixi2WebhookHandler(options);
    const subscription = hook.events$.subscribe(subscriber);
    const server: Server = createServer((request, response) => {
      const url = (request.url ?? '/').split('?')[0];
      if (url === path) hook.handle(request, response);
      else if (url === '/healthz' && request.method === 'GET') response.writeHead(200).end('OK');
      else response.writeHead(404).end();
    });
    server.on('error', (error) => subscriber.error(new InvalidArgumentError(`webhook server cannot listen on ${host}:${port}`, { cause: error })));
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      onListening?.(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}${path}`);
    });
    return () => {
      subscription.unsubscribe();
      server.close();
      server.closeAllConnections();
    };
  });
}
