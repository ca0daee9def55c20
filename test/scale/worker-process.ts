/**
 * A worker of the fan-out proof: subscribes to the fan-out topic, keeps the partitions listed in KEEP,
 * claims the events of the partitions listed in SHARED (kept by two workers) in the shared cache with
 * dedupeAcross, and reports every event it handles to the parent; `{ type: 'stats' }` is answered with
 * the number of events of its partitions it received.
 * On `{ type: 'crash' }` it stops taking new events and SIGKILLs itself as soon as every claim it started
 * is reported: a real process death at an event boundary (see the guide for a crash inside a handler).
 */
import { NoopMomentoLoggerFactory } from '@gomomento/sdk';
import { EMPTY, finalize, identity, mergeMap, Observable, of } from 'rxjs';
import { stableHash } from '../../src/core/partition.js';
import type { Event } from '../../src/mixi2/protocol.js';
import { dedupeAcross } from '../../src/momento/dedupe-across.js';
import { mixi2EventCodec } from '../../src/momento/fan-out-codec.js';
import { fromFanOut, type FanOutMessage } from '../../src/momento/from-fan-out.js';
import { topicClientFromEnv } from '../../src/momento/topic-client-from-env.js';
import { emulatorCacheClient } from '../../src/testing/momento-cache/emulator-cache-client.js';

const env = process.env as Record<string, string>;
const index = Number(env.WORKER_INDEX);
const count = Number(env.WORKER_COUNT);
const cacheName = env.CACHE_NAME!;
const keep = env.KEEP!.split(',').map(Number);
const shared = new Set((env.SHARED ?? '').split(',').filter(Boolean).map(Number));
const topics = topicClientFromEnv({ loggerFactory: new NoopMomentoLoggerFactory() });
const cache = emulatorCacheClient({ port: Number(env.CACHE_PORT) });

let crashRequested = false;
let inFlight = 0;
const die = (): void => {
  process.kill(process.pid, 'SIGKILL');
};
let received = 0;
process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', received, worker: index });
  if (message.type !== 'crash') return;
  crashRequested = true;
  if (inFlight === 0) die();
});

/** Sends a report and completes once it is written to the IPC pipe (so it outlives a SIGKILL). */
const report = (message: FanOutMessage<Event>): Observable<never> =>
  new Observable<never>((subscriber) => {
    process.send?.({ type: 'handled', id: message.key, worker: index }, undefined, {}, () => subscriber.complete());
  });

const claim = dedupeAcross(cache, cacheName, (m: FanOutMessage<Event>) => m.key, { keyPrefix: 'handled:', onCacheError: 'fail-open' });

const handle = (message: FanOutMessage<Event>): Observable<never> => {
  if (crashRequested) return EMPTY;
  received += 1;
  inFlight += 1;
  const claimed = shared.has(stableHash(message.key) % count) ? claim : identity;
  return of(message).pipe(
    claimed,
    mergeMap(report),
    finalize(() => {
      inFlight -= 1;
      if (crashRequested && inFlight === 0) die();
    }),
  );
};

fromFanOut(topics, cacheName, env.TOPIC!, {
  codec: mixi2EventCodec,
  partition: { index: keep, count },
  onDiscontinuity: (gap) => process.send?.({ type: 'failed', error: `discontinuity ${JSON.stringify(gap)}` }),
})
  .pipe(mergeMap(handle, 64))
  .subscribe({ error: (error: unknown) => process.send?.({ type: 'failed', error: String(error) }) });
process.on('disconnect', () => process.exit(0));
