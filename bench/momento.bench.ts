/**
 * Momento benchmarks: streamrx against the raw @gomomento/sdk on the same emulator traffic.
 * The emulator runs in a child process (this same file, started with MOMENTO_BENCH_CHILD=1) so that its
 * encoding and writing do not share the event loop being measured.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TopicPublishResponse, TopicSubscribeResponse, type TopicClient } from '@gomomento/sdk';
import { from, lastValueFrom, count as countValues } from 'rxjs';
import { publishTo, topicItems } from '../src/momento/index.js';
import { emulatorTopicClient, startMomentoEmulator } from '../src/testing/momento/index.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import { median, type Comparison } from './harness.js';

const CACHE = 'bench';
const ITEMS = 100_000;
/** Items delivered before the measured ones, so every run is measured at steady state. */
const WARMUP_ITEMS = 5_000;
const PUBLISHES = 3_000;
const CONCURRENCY = 8;
const VALUE = 'x'.repeat(100);

type ChildRequest = { cmd: 'start' } | { cmd: 'waitStreams'; count: number } | { cmd: 'blast'; topic: string; count: number };

const CHILD_FLAG = 'MOMENTO_BENCH_CHILD';
if (isBenchChild(CHILD_FLAG)) await serveAsChild();

/** Items published between two turns of the emulator's event loop. */
const BLAST_CHUNK = 1_000;

async function serveAsChild(): Promise<void> {
  // A whole burst stays replayable: if the SDK's keepalive gives up on a loaded box mid-burst, it resumes
  // without losing items, so every run still ends with exactly the items it counts.
  const emulator = await startMomentoEmulator({ heartbeatIntervalMs: 0, retainedItems: WARMUP_ITEMS + ITEMS, waitTimeoutMs: 60_000 });
  serveBenchChild<ChildRequest>(async (request) => {
    if (request.cmd === 'start') return emulator.port;
    if (request.cmd === 'waitStreams') return emulator.waitFor(() => emulator.stats().openStreams === request.count);
    // In chunks, so the emulator keeps answering the SDK's keepalive pings (1 s timeout): 105,000 publishes
    // in one synchronous loop held its event loop 1.2-3 s, the client dropped the connection, and as it had
    // seen no item yet, its resubscribe asked for "from now" and every item of the run was gone.
    for (let sent = 0; sent < request.count; sent += BLAST_CHUNK) {
      for (let i = sent; i < Math.min(request.count, sent + BLAST_CHUNK); i++) emulator.publish(CACHE, request.topic, VALUE);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return undefined;
  }, () => emulator.close());
}


/**
 * Wall and CPU time of this process over a stretch of work. The figure compared is work per CPU-second of
 * the measured process: on this shared 2-core box other tenants move wall-clock rates by ±50 % between
 * runs, while the CPU this process spends per item is what a wrapper could add to. Wall rates are kept for
 * the report.
 */
class Stopwatch {
  private wallStart = 0;
  private cpuStart: NodeJS.CpuUsage = { user: 0, system: 0 };

  start(): void {
    this.wallStart = performance.now();
    this.cpuStart = process.cpuUsage();
  }

  /** Returns `[per CPU-second, per wall-second]` rates for `work` units done since `start()`. */
  stop(work: number): [number, number] {
    const wallSeconds = (performance.now() - this.wallStart) / 1000;
    const cpu = process.cpuUsage(this.cpuStart);
    return [work / ((cpu.user + cpu.system) / 1e6), work / wallSeconds];
  }
}

const wallRates = new Map<string, number[]>();

function recordWall(key: string, rate: number): void {
  wallRates.set(key, [...(wallRates.get(key) ?? []), rate]);
}

function wallNote(baselineKey: string, subjectKey: string, unit: string): string {
  const show = (key: string): string => Math.round(median(wallRates.get(key) ?? [0])).toLocaleString('en-US');
  return `wall-clock medians: baseline ${show(baselineKey)} ${unit}, streamrx ${show(subjectKey)} ${unit} (load-sensitive)`;
}

/** Measures the `ITEMS` items that follow the warm-up items. */
class ItemClock {
  private readonly stopwatch = new Stopwatch();
  received = 0;
  rates: [number, number] = [0, 0];
  private done: () => void = () => {};
  readonly finished = new Promise<void>((resolve) => (this.done = resolve));
  private firstDone: () => void = () => {};
  /** Resolves with the first item: from then on the SDK's resubscribes resume after the last item seen. */
  readonly first = new Promise<void>((resolve) => (this.firstDone = resolve));

  tick(): void {
    this.received += 1;
    if (this.received === 1) this.firstDone();
    if (this.received === WARMUP_ITEMS) this.stopwatch.start();
    else if (this.received === WARMUP_ITEMS + ITEMS) {
      this.rates = this.stopwatch.stop(ITEMS);
      this.done();
    }
  }
}

/** A full garbage collection before each run, so no run pays for the previous one's garbage. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

let emulatorProcess: BenchChild<ChildRequest> | undefined;
let subscribeClient: TopicClient;
let publishClient: TopicClient;
let run = 0;

async function setup(): Promise<void> {
  if (emulatorProcess) return;
  emulatorProcess = new BenchChild<ChildRequest>(import.meta.url, CHILD_FLAG);
  emulatorProcess.start();
  const port = await emulatorProcess.call<number>({ cmd: 'start' });
  subscribeClient = emulatorTopicClient({ port }, { clientTimeoutMs: 120_000 });
  publishClient = emulatorTopicClient({ port }, { unaryConnections: 4, clientTimeoutMs: 120_000 });
}

function teardown(): Promise<void> {
  emulatorProcess?.stop();
  emulatorProcess = undefined;
  return Promise.resolve();
}

/** Rejects when a run stops making progress for 30 s, instead of hanging the benchmark; `stop()` ends the watch. */
function stallWatch(clock: ItemClock): { stalled: Promise<never>; stop: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let seen = -1;
    timer = setInterval(() => {
      if (clock.received === seen) reject(new Error(`delivery stalled at ${clock.received} of ${WARMUP_ITEMS + ITEMS} items`));
      else seen = clock.received;
    }, 30_000);
  });
  return { stalled, stop: () => clearInterval(timer) };
}

/**
 * One delivery run: subscribe with `consume`, publish one item and wait for it, blast the rest, wait for the
 * last one. Until a subscriber has seen an item, a resubscribe by the SDK (after a dropped connection)
 * resumes at "now" and cannot get back what was published before; with the first item in hand it resumes
 * from the emulator's retained items.
 */
async function deliveryRun(key: string, consume: (topic: string, clock: ItemClock) => () => void): Promise<number> {
  const topic = `items-${run++}`;
  const clock = new ItemClock();
  collectGarbage();
  const stop = consume(topic, clock);
  const watch = stallWatch(clock);
  try {
    await emulatorProcess!.call({ cmd: 'waitStreams', count: 1 });
    await emulatorProcess!.call({ cmd: 'blast', topic, count: 1 });
    await Promise.race([clock.first, watch.stalled]);
    await emulatorProcess!.call({ cmd: 'blast', topic, count: WARMUP_ITEMS + ITEMS - 1 });
    await Promise.race([clock.finished, watch.stalled]);
  } finally {
    watch.stop();
    stop();
  }
  await emulatorProcess!.call({ cmd: 'waitStreams', count: 0 });
  recordWall(key, clock.rates[1]);
  return clock.rates[0];
}

const rawOnItem = (topic: string, clock: ItemClock): (() => void) => {
  let unsubscribe: (() => void) | undefined;
  let stopped = false;
  let sink = 0;
  void subscribeClient
    .subscribe(CACHE, topic, {
      onItem: (item) => {
        sink += item.value().length + item.sequenceNumber();
        clock.tick();
      },
    })
    .then((response) => {
      if (response.type === TopicSubscribeResponse.Error) throw new Error(`subscribe failed: ${response.toString()}`);
      unsubscribe = () => response.unsubscribe();
      if (stopped) unsubscribe();
    });
  return () => {
    stopped = true;
    unsubscribe?.();
    if (sink < 0) console.log(sink);
  };
};

const viaTopicItems = (topic: string, clock: ItemClock): (() => void) => {
  let sink = 0;
  const subscription = topicItems(subscribeClient, CACHE, topic).subscribe((item) => {
    sink += item.value.length + item.sequenceNumber;
    clock.tick();
  });
  return () => {
    subscription.unsubscribe();
    if (sink < 0) console.log(sink);
  };
};

/** Publishes per CPU-second over `PUBLISHES` publishes. */
async function publishRun(key: string, publishAll: (topic: string) => Promise<void>): Promise<number> {
  const topic = `publish-${run++}`;
  const stopwatch = new Stopwatch();
  collectGarbage();
  stopwatch.start();
  await publishAll(topic);
  const [perCpuSecond, perWallSecond] = stopwatch.stop(PUBLISHES);
  recordWall(key, perWallSecond);
  return perCpuSecond;
}

async function rawPublishLoop(topic: string): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < PUBLISHES) {
      next += 1;
      const response = await publishClient.publish(CACHE, topic, VALUE);
      if (response.type === TopicPublishResponse.Error) throw new Error(`publish failed: ${response.toString()}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function viaPublishTo(topic: string): Promise<void> {
  const values = Array.from({ length: PUBLISHES }, () => VALUE);
  const published = await lastValueFrom(from(values).pipe(publishTo(publishClient, CACHE, topic, { concurrency: CONCURRENCY }), countValues()));
  if (published !== PUBLISHES) throw new Error(`published ${published}`);
}

const comparisons: Comparison[] = [
  {
    name: `momento: topicItems() vs raw SDK onItem (${ITEMS.toLocaleString('en-US')} items)`,
    unit: 'items/CPU-s',
    goal: '>= 0.95',
    setup,
    teardown,
    baseline: () => deliveryRun('raw-items', rawOnItem),
    subject: () => deliveryRun('rx-items', viaTopicItems),
    note: () => wallNote('raw-items', 'rx-items', 'items/s'),
  },
  {
    name: `momento: publishTo vs raw publish loop (concurrency ${CONCURRENCY}, ${PUBLISHES.toLocaleString('en-US')} publishes)`,
    unit: 'publishes/CPU-s',
    goal: '>= 0.95',
    setup,
    teardown,
    baseline: () => publishRun('raw-publish', rawPublishLoop),
    subject: () => publishRun('rx-publish', viaPublishTo),
    note: () => wallNote('raw-publish', 'rx-publish', 'publishes/s'),
  },
];

export default comparisons;
