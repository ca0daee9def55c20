/**
 * A webhook receiver of the scaling proof: a verified mixi2 webhook endpoint on its own port whose events
 * are de-duplicated across every receiver through the shared cache (dedupeAcross) and reported to the
 * parent. `{ type: 'drain' }` is answered with `drained` once no claim is in flight.
 */
import { finalize, mergeMap, Observable, of } from 'rxjs';
import { mixi2Webhook } from '../../src/mixi2/webhook-server.js';
import type { Event } from '../../src/mixi2/protocol.js';
import { dedupeAcross } from '../../src/momento/dedupe-across.js';
import { emulatorCacheClient } from '../../src/testing/momento-cache/emulator-cache-client.js';

const env = process.env as Record<string, string>;
const receiver = Number(env.RECEIVER_INDEX);
const cache = emulatorCacheClient({ port: Number(env.CACHE_PORT) });
let inFlight = 0;
let drainRequested = false;

const drained = (): void => {
  if (drainRequested && inFlight === 0) {
    drainRequested = false;
    process.send?.({ type: 'drained', receiver });
  }
};
process.on('message', (message: { type: string }) => {
  if (message.type !== 'drain') return;
  drainRequested = true;
  drained();
});

const report = (event: Event): Observable<never> =>
  new Observable<never>((subscriber) => {
    process.send?.({ type: 'handled', id: event.eventId, worker: receiver }, undefined, {}, () => subscriber.complete());
  });

const claim = dedupeAcross(cache, env.CACHE_NAME!, (e: Event) => e.eventId, { ttl: 600_000, onCacheError: 'fail-open' });

mixi2Webhook({ publicKey: env.WEBHOOK_PUBLIC_KEY!, host: '127.0.0.1', port: 0, onListening: (url) => process.send?.({ type: 'listening', url, receiver }) })
  .pipe(
    mergeMap((event) => {
      inFlight += 1;
      return of(event).pipe(
        claim,
        mergeMap(report),
        finalize(() => {
          inFlight -= 1;
          drained();
        }),
      );
    }),
  )
  .subscribe({ error: (error: unknown) => process.send?.({ type: 'failed', error: String(error) }) });
process.on('disconnect', () => process.exit(0));
