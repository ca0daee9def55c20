/**
 * The emulators of the restart proofs, in a process of their own: a Misskey emulator (alice mentions admin)
 * and a Momento emulator with a long replay buffer. The parent asks over IPC:
 * - `{ type: 'flow', kind: 'mentions' | 'items', count }`: creates `count` mentions of admin (or publishes
 *   `count` fan-out items), one per timer tick, and answers `{ type: 'flowed', ids }` at the end;
 * - `{ type: 'wait-listener', kind }`: answers `{ type: 'listening' }` once a `main` channel (or a topic
 *   stream) is open, so the first events are not produced before the first bot or worker listens.
 */
import { encodeFanOutEnvelope } from '../../src/momento/fan-out-envelope.js';
import { jsonCodec } from '../../src/momento/fan-out-codec.js';
import { startMisskeyEmulator } from '../../src/testing/misskey/index.js';
import { startMomentoEmulator } from '../../src/testing/momento/index.js';

const TOPIC = 'restart-events';
const codec = jsonCodec((value: { n: number }) => `k${value.n}`);

const misskey = await startMisskeyEmulator();
const momento = await startMomentoEmulator({ retainedItems: 10_000, heartbeatIntervalMs: 0 });
let published = 0;

const produce = (kind: string): string => {
  if (kind === 'mentions') return misskey.createNote('alice', { text: `@admin ping ${Date.now()}` }).id;
  published += 1;
  momento.publish('cache', TOPIC, encodeFanOutEnvelope({ key: `k${published}`, codec: codec.tag, payload: codec.encode({ n: published }) }));
  return String(published);
};

process.on('message', (message: { type: string; kind: string; count?: number }) => {
  if (message.type === 'flow') {
    const ids: string[] = [];
    const timer = setInterval(() => {
      ids.push(produce(message.kind));
      if (ids.length < (message.count ?? 0)) return;
      clearInterval(timer);
      process.send?.({ type: 'flowed', ids });
    }, 2);
  }
  if (message.type === 'wait-listener') {
    const listening = message.kind === 'mentions' ? () => misskey.stats().channels >= 1 : () => momento.stats().openStreams >= 1;
    const waiter = message.kind === 'mentions' ? misskey : momento;
    void waiter.waitFor(listening, 'a listener', 20_000).then(() => process.send?.({ type: 'listening' }));
  }
});
process.on('disconnect', () => void Promise.all([misskey.close(), momento.close()]).then(() => process.exit(0)));
process.send?.({ type: 'ready', misskeyOrigin: misskey.origin, token: misskey.users['admin']!.token, momentoEndpoint: momento.endpoint, topic: TOPIC });
