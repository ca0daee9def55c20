/**
 * Scale-out benchmark: the same 50,000 mixi2 events fanned out over Momento partition topics (the
 * emulator; `partitionedTopics`, one topic per worker) to one worker process, then to two worker processes
 * each reading its partition, with a CPU-bound handler.
 * Figure: events handled per second, from the first publish to the last event handled; ratio = 2 workers /
 * 1 worker. Also reported: the handler's measured CPU cost per event and the fan-out overhead per event
 * (worker CPU spent receiving, decoding and partitioning a topic message, outside the handler).
 *
 * The workers are children running this same file (SCALE_BENCH_WORKER=1); they stay subscribed across
 * rounds, one set per variant on its own topic, so process start-up is not measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NoopMomentoLoggerFactory } from '@gomomento/sdk';
import { stableHash } from '../src/core/partition.js';
import type { Event } from '../src/mixi2/protocol.js';
import { mixi2EventCodec } from '../src/momento/fan-out-codec.js';
import { encodeFanOutEnvelope } from '../src/momento/fan-out-envelope.js';
import { partitionTopicName } from '../src/momento/fan-out-to.js';
import { fromFanOut } from '../src/momento/from-fan-out.js';
import { topicClientFromEnv } from '../src/momento/topic-client-from-env.js';
import { buildPostCreatedEvent } from '../src/testing/mixi2/builders.js';
import { startMomentoEmulator, type MomentoEmulator } from '../src/testing/momento/index.js';
import type { Comparison } from './harness.js';

const EVENTS = Number(process.env.SCALE_BENCH_EVENTS ?? 50_000);
const CACHE = 'bench';
/** Iterations of the handler's integer mixing loop: about 100 µs of CPU per event here (measured, reported). */
const HANDLER_ITERATIONS = Number(process.env.SCALE_BENCH_ITERATIONS ?? 60_000);

/** The CPU-bound handler: a fixed integer-mixing loop seeded by the event's text, no allocation, no I/O. */
export function cpuBoundHandler(event: Event): number {
  const text = event.body?.$case === 'postCreatedEvent' ? (event.body.value.post?.text ?? '') : '';
  let state = text.length | 1;
  for (let i = 0; i < HANDLER_ITERATIONS; i++) state = Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + i;
  return state;
}

const keyOf = (round: number, i: number): string => `r${round}-e${i}`;

if (process.env.SCALE_BENCH_WORKER === '1') runWorker();

/** A worker child: handles its partition of every round and reports its CPU use once a round is complete. */
function runWorker(): void {
  const index = Number(process.env.WORKER_INDEX);
  const count = Number(process.env.WORKER_COUNT);
  const handlerMicros = calibrate();
  const handled = new Map<number, number>();
  const expected = new Map<number, number>();
  let cpuAtRoundStart = process.cpuUsage();
  let sink = 0;
  const expectedIn = (round: number): number => {
    let share = expected.get(round);
    if (share === undefined) {
      share = 0;
      for (let i = 0; i < EVENTS; i++) if (stableHash(keyOf(round, i)) % count === index) share += 1;
      expected.set(round, share);
      cpuAtRoundStart = process.cpuUsage();
    }
    return share;
  };
  const client = topicClientFromEnv({ loggerFactory: new NoopMomentoLoggerFactory() });
  fromFanOut(client, CACHE, process.env.TOPIC!, { codec: mixi2EventCodec, partition: { index, count }, partitionedTopics: count }).subscribe(({ key, value }) => {
    const round = Number(key.slice(1, key.indexOf('-')));
    const share = expectedIn(round);
    sink ^= cpuBoundHandler(value);
    const done = (handled.get(round) ?? 0) + 1;
    handled.set(round, done);
    if (done === share) {
      const cpu = process.cpuUsage(cpuAtRoundStart);
      process.send?.({ type: 'done', round, handled: done, cpuMicros: cpu.user + cpu.system, handlerMicros, sink: sink & 1 });
    }
  });
  process.send?.({ type: 'ready' });
  process.on('disconnect', () => process.exit(0));
}

/** The handler's CPU cost per event in this process, in microseconds. */
function calibrate(): number {
  const event = buildPostCreatedEvent({ text: 'calibration' });
  const runs = 2_000;
  let sink = 0;
  for (let i = 0; i < 200; i++) sink ^= cpuBoundHandler(event);
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) sink ^= cpuBoundHandler(event);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / runs + (sink & 0);
}

interface Done {
  round: number;
  handled: number;
  cpuMicros: number;
  handlerMicros: number;
}

/** One variant: `count` worker processes subscribed to their own topic. */
class WorkerSet {
  private readonly children: ChildProcess[] = [];
  readonly last: Done[] = [];

  constructor(
    readonly count: number,
    readonly topic: string,
  ) {}

  async start(endpoint: string): Promise<void> {
    for (let index = 0; index < this.count; index++) {
      const child = fork(fileURLToPath(import.meta.url), [], {
        env: { ...process.env, SCALE_BENCH_WORKER: '1', WORKER_INDEX: String(index), WORKER_COUNT: String(this.count), TOPIC: this.topic, MOMENTO_LOCAL_ENDPOINT: endpoint },
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.children.push(child);
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
    }
  }

  /** Resolves once every worker reported `round` complete. */
  roundDone(round: number): Promise<Done[]> {
    return Promise.all(
      this.children.map(
        (child) =>
          new Promise<Done>((resolve) => {
            const listen = (message: Done & { type: string }): void => {
              if (message.type !== 'done' || message.round !== round) return;
              child.off('message', listen);
              resolve(message);
            };
            child.on('message', listen);
          }),
      ),
    );
  }

  stop(): void {
    for (const child of this.children) child.kill();
  }
}

let emulator: MomentoEmulator | undefined;
const one = new WorkerSet(1, 'one-worker');
const two = new WorkerSet(2, 'two-workers');
let round = 0;
/** Envelope bytes of one round, without the key (a message = header + key + payload). */
const payloads: Uint8Array[] = [];

/** Publishes in slices, yielding between them so that the emulator keeps answering keepalive pings. */
async function publishAll(set: WorkerSet, round: number, messages: readonly Uint8Array[]): Promise<void> {
  const topics = Array.from({ length: set.count }, (_, index) => partitionTopicName(set.topic, index));
  for (let i = 0; i < messages.length; i++) {
    emulator!.publish(CACHE, topics[stableHash(keyOf(round, i)) % set.count]!, messages[i]!);
    if (i % 500 === 499) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

async function run(set: WorkerSet): Promise<number> {
  const current = ++round;
  const messages = payloads.map((payload, i) => encodeFanOutEnvelope({ key: keyOf(current, i), codec: mixi2EventCodec.tag, payload }));
  const done = set.roundDone(current);
  const start = performance.now();
  await publishAll(set, current, messages);
  const reports = await done;
  const seconds = (performance.now() - start) / 1000;
  set.last.splice(0, set.last.length, ...reports);
  return EVENTS / seconds;
}

const comparisons: Comparison[] = [
  {
    name: `scale: fan-out to 2 worker processes vs 1 (CPU-bound handler, ${EVENTS.toLocaleString('en-US')} events)`,
    unit: 'events/s',
    goal: '>= 1.6',
    setup: async () => {
      emulator = await startMomentoEmulator({ heartbeatIntervalMs: 0, retainedItems: EVENTS, // a worker that loses its stream on a loaded box resumes without a gap
         maxValueBytes: 65_536 });
      for (let i = 0; i < EVENTS; i++) payloads.push(mixi2EventCodec.encode(buildPostCreatedEvent({ text: `post number ${i}` }, { eventId: `e-${i}` })));
      await Promise.all([one.start(emulator.endpoint), two.start(emulator.endpoint)]);
      await emulator.waitFor(() => emulator!.stats().openStreams === 3, 'workers subscribed', 60_000);
    },
    teardown: async () => {
      one.stop();
      two.stop();
      await emulator?.close();
    },
    baseline: () => run(one),
    subject: () => run(two),
    note: () => {
      const single = one.last[0];
      if (!single) return '';
      const handler = single.handlerMicros;
      const overhead = (single.cpuMicros - handler * single.handled) / EVENTS;
      const perWorker = two.last.map((d) => `${Math.round(d.cpuMicros / 1000)} ms`).join(' + ');
      return `handler ${handler.toFixed(0)} µs CPU/event; fan-out overhead ${overhead.toFixed(1)} µs CPU/event per worker (receive, envelope, decode; each worker reads only its partition topic); last 2-worker round CPU ${perWorker}`;
    },
  },
];

export default comparisons;
