/**
 * Misskey benchmarks. The emulator runs in a child process (this file, started with MISSKEY_BENCH_CHILD=1)
 * and writes pre-framed bytes built before the timed window straight to TCP, so the measured process holds
 * only the clients. Figures are per second of this process's CPU time (user + system), which stays
 * comparable on a shared, loaded machine; wall-clock rates are printed in the notes. Each variant holds its
 * own socket as its own user (admin: streamrx; alice, bob: baselines), so a flood reaches only the variant
 * being measured, and every variant reads the same bytes.
 * Baselines decode before parsing (`JSON.parse(data.toString())`), the faster of the two ways to write it.
 * Note ids have the 16-character aidx format of a 2026.3.2 server: ids of 10 characters or fewer are
 * internalised by JSON.parse itself, which adds a string-table miss per frame with 10,000 distinct ids in
 * any client (about 110 ns here).
 * (1) channel() vs raw ws + JSON.parse; (2) channel() vs misskey-js Stream (ws); (2b) channel() writing each
 * note id to a file cursor store vs without; (3) noteUpdated cost with
 * 10,000 followed notes vs 1; (3b) 1,000 followed notes vs misskey-js listeners checking the id; (4) stream
 * API round trips at 64 in flight vs a bare Map-of-resolvers client; HTTP api() vs bare node:http, misskey-js's
 * APIClient and bare undici dispatch (the floor of its transport, so the gap is streamrx's own layers).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { api as misskeyApi, Stream } from 'misskey-js';
import { Pool } from 'undici';
import { firstValueFrom, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { fileCursorStore } from '../src/index.js';
import { misskey, type MisskeyClient, type NoteUpdate } from '../src/misskey/index.js';
import { aidxGenerator, startMisskeyEmulator, type MisskeyEmulator, type MisskeyEmulatorOptions, type MisskeyEmulatorStats, type PreparedFlood } from '../src/testing/misskey/index.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import { runInFlight } from './in-flight.js';
import { median, type Comparison } from './harness.js';

const CHANNEL_MESSAGES = 20_000;
/** Every variant spends nearly all its time in ws and JSON.parse, so these ratios sit near 1 and need many short pairs. */
const CHANNEL_ROUNDS = 25;
const NOTE_MESSAGES = 60_000;
const ROUND_TRIPS = 8_000;
const HTTP_ROUND_TRIPS = 5_000;
const IN_FLIGHT = 64;

const users = [
  { username: 'admin', token: 'admin-token' },
  { username: 'alice', token: 'alice-token' },
  { username: 'bob', token: 'bob-token' },
  { username: 'carol', token: 'carol-token' },
];

// ---- the emulator in a child process ------------------------------------------------------------------

type ChildCommand =
  | { cmd: 'start'; options: MisskeyEmulatorOptions }
  | { cmd: 'stats' }
  | { cmd: 'createNote'; username: string; text: string }
  | { cmd: 'prepareChannel'; key: string; channel: string; message: { type: string; body: unknown }; count: number; to: string }
  | { cmd: 'prepareFrames'; key: string; frames: string[]; count: number; to: string }
  | { cmd: 'write'; key: string }
  | { cmd: 'paced'; channel: string; note: unknown; perSecond: number; durationMs: number };

const CHILD_FLAG = 'MISSKEY_BENCH_CHILD';
if (isBenchChild(CHILD_FLAG)) serveAsChild();

function serveAsChild(): void {
  let emulator: MisskeyEmulator | undefined;
  const floods = new Map<string, PreparedFlood>();
  const run = async (command: ChildCommand): Promise<unknown> => {
    if (command.cmd === 'start') {
      emulator = await startMisskeyEmulator(command.options);
      return { origin: emulator.origin, port: emulator.port };
    }
    const em = emulator as MisskeyEmulator;
    switch (command.cmd) {
      case 'stats':
        return em.stats();
      case 'createNote':
        return em.createNote(command.username, { text: command.text });
      case 'prepareChannel':
        floods.set(command.key, em.prepareChannelFlood(command.channel, command.message, command.count, { to: command.to }));
        return floods.get(command.key)?.frames;
      case 'prepareFrames':
        floods.set(command.key, em.prepareFrameFlood(command.frames, command.count, { to: command.to }));
        return floods.get(command.key)?.frames;
      case 'write':
        return floods.get(command.key)?.write();
      case 'paced':
        return sendPaced(em, command);
    }
  };
  serveBenchChild(run, () => emulator?.close());
}

/** The shared monotonic clock of both processes, in nanoseconds (CLOCK_MONOTONIC: comparable across processes). */
const monotonicNs = (): number => Number(process.hrtime.bigint());

/**
 * Emits `note` to every `channel` at `perSecond` for `durationMs`, each copy stamped `sentAt` (monotonic ns)
 * as it is sent; every millisecond or so, as many as the rate owes by then. Resolves with the number sent.
 */
function sendPaced(emulator: MisskeyEmulator, { channel, note, perSecond, durationMs }: Extract<ChildCommand, { cmd: 'paced' }>): Promise<number> {
  const total = Math.round((perSecond * durationMs) / 1000);
  const started = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const owed = Math.min(total, Math.floor(((performance.now() - started) * perSecond) / 1000));
      for (; sent < owed; sent++) emulator.emit(channel, 'note', { ...(note as object), sentAt: monotonicNs() });
      if (sent < total) setTimeout(tick, 1);
      else resolve(sent);
    };
    tick();
  });
}

/** The parent's handle on a child-process emulator. */
class RemoteEmulator {
  private readonly child = new BenchChild<ChildCommand>(import.meta.url, CHILD_FLAG);
  origin = '';
  port = 0;

  call<R>(command: ChildCommand): Promise<R> {
    return this.child.call<R>(command);
  }

  async start(options: MisskeyEmulatorOptions): Promise<void> {
    this.child.start();
    Object.assign(this, await this.call<{ origin: string; port: number }>({ cmd: 'start', options }));
  }

  stats(): Promise<MisskeyEmulatorStats> {
    return this.call({ cmd: 'stats' });
  }

  async until(predicate: (stats: MisskeyEmulatorStats) => boolean): Promise<void> {
    while (!predicate(await this.stats())) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  close(): void {
    this.child.stop();
  }
}

// ---- measuring ----------------------------------------------------------------------------------------

/** Counts arrivals and resolves when the expected number is reached. */
class Arrivals {
  private count = 0;
  private target = Infinity;
  private done: (() => void) | undefined;
  sink = 0;

  expect(target: number): Promise<void> {
    this.count = 0;
    this.target = target;
    return new Promise((resolve) => (this.done = resolve));
  }

  arrived(): void {
    if (++this.count === this.target) this.done?.();
  }
}

const lastWall = new Map<string, number>();

/** Runs `work` and returns operations per second of this process's CPU; remembers the wall-clock rate under `label`. */
async function perCpuSecond(label: string, operations: number, work: () => Promise<unknown>): Promise<number> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await work();
  const cpu = process.cpuUsage(cpuBefore);
  lastWall.set(label, operations / ((performance.now() - started) / 1000));
  return operations / ((cpu.user + cpu.system) / 1e6);
}

function flood(emulator: RemoteEmulator, arrivals: Arrivals, key: string, count: number): () => Promise<unknown> {
  return async () => {
    const arrived = arrivals.expect(count);
    await emulator.call({ cmd: 'write', key });
    await arrived;
  };
}

const wallNote = (baselineLabel: string, subjectLabel: string) => (): string =>
  `last round wall-clock: baseline ${Math.round(lastWall.get(baselineLabel) ?? 0).toLocaleString('en-US')}/s, streamrx ${Math.round(lastWall.get(subjectLabel) ?? 0).toLocaleString('en-US')}/s`;

async function openRaw(port: number, token: string, onMessage: (data: Buffer) => void): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/streaming?i=${token}`);
  ws.on('message', (data: Buffer) => onMessage(data));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** Runs one comparison group's setup once, however many of its comparisons ask. */
function group(start: () => Promise<() => Promise<void> | void>): { setup(): Promise<void>; teardown(): Promise<void> } {
  let stop: (() => Promise<void> | void) | undefined;
  return {
    setup: async () => {
      stop ??= await start();
    },
    teardown: async () => {
      await stop?.();
      stop = undefined;
    },
  };
}

// ---- (1) and (2): one channel -------------------------------------------------------------------------

function channelComparisons(): Comparison[] {
  const emulator = new RemoteEmulator();
  const ours = new Arrivals();
  const raw = new Arrivals();
  const js = new Arrivals();
  const committed = new Arrivals();
  const lifecycle = group(async () => {
    await emulator.start({ users, record: false });
    const cursorDir = mkdtempSync(join(tmpdir(), 'streamrx-bench-'));
    const store = fileCursorStore(join(cursorDir, 'cursors.json'));
    // The same channel as `ours`, writing each note's id to the file store as the cursor (coalesced writes).
    // write() returns the same promise until the next file replacement: one failure handler per replacement.
    let pending: Promise<void> | undefined;
    const committing = misskey({ origin: emulator.origin, token: 'carol-token' }).channel('localTimeline').subscribe((m) => {
      const durable = store.write('bench:localTimeline', m.body.id);
      if (durable !== pending) (pending = durable).catch(() => undefined);
      committed.sink += m.body.id.length;
      committed.arrived();
    });
    const note = await emulator.call({ cmd: 'createNote', username: 'admin', text: 'ベンチマーク用のノートです。今日はいい天気ですね☀️ #misskey https://example.com/some/link' });
    const client = misskey({ origin: emulator.origin, token: 'admin-token' });
    const subscription: Subscription = client.channel('localTimeline').subscribe((m) => {
      ours.sink += m.body.id.length;
      ours.arrived();
    });
    const socket = await openRaw(emulator.port, 'alice-token', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; body: { id: string; type: string; body: { id: string } } };
      if (frame.type === 'channel' && frame.body.id === 'raw' && frame.body.type === 'note') {
        raw.sink += frame.body.body.id.length;
        raw.arrived();
      }
    });
    socket.send(JSON.stringify({ type: 'connect', body: { channel: 'localTimeline', id: 'raw', pong: true } }));
    const stream = new Stream(emulator.origin, { token: 'bob-token' }, { WebSocket: WebSocket as never });
    stream.useChannel('localTimeline').on('note', (n) => {
      js.sink += n.id.length;
      js.arrived();
    });
    await emulator.until((s) => s.channels === 4);
    const message = { type: 'note', body: note };
    for (const [key, to] of [['ours', 'admin'], ['raw', 'alice'], ['js', 'bob'], ['committed', 'carol']] as const) {
      await emulator.call({ cmd: 'prepareChannel', key, channel: 'localTimeline', message, count: CHANNEL_MESSAGES, to });
    }
    return async () => {
      subscription.unsubscribe();
      committing.unsubscribe();
      socket.close();
      stream.close();
      emulator.close();
      await store.close();
      rmSync(cursorDir, { recursive: true, force: true });
    };
  });
  const subject = () => perCpuSecond('ours', CHANNEL_MESSAGES, flood(emulator, ours, 'ours', CHANNEL_MESSAGES));
  return [
    {
      name: 'misskey channel() vs raw ws + JSON.parse',
      unit: 'msgs/cpu-s',
      goal: '>= 0.95',
      rounds: CHANNEL_ROUNDS,
      ...lifecycle,
      baseline: () => perCpuSecond('raw', CHANNEL_MESSAGES, flood(emulator, raw, 'raw', CHANNEL_MESSAGES)),
      subject,
      note: wallNote('raw', 'ours'),
    },
    {
      name: 'misskey channel() vs misskey-js Stream (ws)',
      unit: 'msgs/cpu-s',
      goal: '>= 1.0',
      rounds: CHANNEL_ROUNDS,
      ...lifecycle,
      baseline: () => perCpuSecond('js', CHANNEL_MESSAGES, flood(emulator, js, 'js', CHANNEL_MESSAGES)),
      subject,
      note: wallNote('js', 'ours'),
    },
    {
      name: 'misskey channel() with a file-store cursor write per event vs without',
      unit: 'msgs/cpu-s',
      goal: '>= 0.95',
      rounds: CHANNEL_ROUNDS,
      ...lifecycle,
      baseline: subject,
      subject: () => perCpuSecond('committed', CHANNEL_MESSAGES, flood(emulator, committed, 'committed', CHANNEL_MESSAGES)),
      note: wallNote('ours', 'committed'),
    },
  ];
}

// ---- (3) and (3b): noteUpdated dispatch ---------------------------------------------------------------

/** `n` note ids in the aidx format of a 2026.3.2 server (16 characters), distinct per `node`. */
const noteIds = (node: string, n: number): string[] => Array.from({ length: n }, aidxGenerator({ node }));
const reactedFrames = (ids: readonly string[]): string[] =>
  ids.map((id) => JSON.stringify({ type: 'noteUpdated', body: { id, type: 'reacted', body: { reaction: '👍', emoji: null, userId: 'au2l3632s3350004' } } }));

function noteComparisons(): Comparison[] {
  const emulator = new RemoteEmulator();
  const single = new Arrivals();
  const tenThousand = new Arrivals();
  const thousand = new Arrivals();
  const js = new Arrivals();
  // One handler for every followed note, as an app applying updates to its note store by id would pass.
  const follow = (client: MisskeyClient, ids: readonly string[], arrivals: Arrivals, into: Subscription[]): void => {
    const apply = (u: NoteUpdate): void => {
      arrivals.sink += u.id.length;
      arrivals.arrived();
    };
    for (const id of ids) into.push(client.noteUpdates(id).subscribe(apply));
  };
  const lifecycle = group(async () => {
    await emulator.start({ users, record: false });
    const ids = { single: noteIds('0one', 1), tenThousand: noteIds('010k', 10_000), thousand: noteIds('001k', 1000) };
    const subscriptions: Subscription[] = [];
    const admin = misskey({ origin: emulator.origin, token: 'admin-token' });
    const alice = misskey({ origin: emulator.origin, token: 'alice-token' });
    follow(admin, ids.single, single, subscriptions);
    follow(admin, ids.thousand, thousand, subscriptions);
    follow(alice, ids.tenThousand, tenThousand, subscriptions);
    const stream = new Stream(emulator.origin, { token: 'bob-token' }, { WebSocket: WebSocket as never });
    await new Promise<void>((resolve) => stream.once('_connected_', () => resolve()));
    for (const id of ids.thousand) {
      stream.send('subNote', { id });
      stream.on('noteUpdated', (e) => {
        if (e.id !== id) return;
        js.sink += e.type.length;
        js.arrived();
      });
    }
    await emulator.until((s) => s.noteSubscriptions === 1 + 1000 + 10_000 + 1000);
    const prepare = (key: string, list: string[], to: string) => emulator.call({ cmd: 'prepareFrames', key, frames: reactedFrames(list), count: NOTE_MESSAGES, to });
    await prepare('single', ids.single, 'admin');
    await prepare('thousand', ids.thousand, 'admin');
    await prepare('tenThousand', ids.tenThousand, 'alice');
    await prepare('js', ids.thousand, 'bob');
    return () => {
      for (const s of subscriptions) s.unsubscribe();
      stream.close();
      emulator.close();
    };
  });
  const nsPerMessage = async (label: string, arrivals: Arrivals, key: string) => 1e9 / (await perCpuSecond(label, NOTE_MESSAGES, flood(emulator, arrivals, key, NOTE_MESSAGES)));
  return [
    {
      name: 'misskey noteUpdated with 10,000 followed notes vs 1 (per-message cost)',
      unit: 'cpu-ns/msg',
      goal: '<= 1.2',
      ...lifecycle,
      baseline: () => nsPerMessage('single', single, 'single'),
      subject: () => nsPerMessage('tenThousand', tenThousand, 'tenThousand'),
      note: wallNote('single', 'tenThousand'),
    },
    {
      name: 'misskey noteUpdated with 1,000 followed notes vs misskey-js listeners',
      unit: 'msgs/cpu-s',
      goal: '>= 5',
      ...lifecycle,
      baseline: () => perCpuSecond('js', NOTE_MESSAGES, flood(emulator, js, 'js', NOTE_MESSAGES)),
      subject: () => perCpuSecond('thousand', NOTE_MESSAGES, flood(emulator, thousand, 'thousand', NOTE_MESSAGES)),
      note: wallNote('js', 'thousand'),
    },
  ];
}

/** Client CPU per call of a variant measured in calls per CPU-second. */
const perCall = (label: string, perCpuSecondRate: number): string => `${label} ${(1e6 / perCpuSecondRate).toFixed(1)} µs CPU per call`;

// ---- (4): request/response ----------------------------------------------------------------------------

function requestComparisons(): Comparison[] {
  const emulator = new RemoteEmulator();
  const pending = new Map<string, (body: unknown) => void>();
  let counter = 0;
  let client: MisskeyClient;
  let socket: WebSocket;
  const agent = new Agent({ keepAlive: true });
  let pool: Pool | undefined;
  let jsApi: misskeyApi.APIClient;
  const lifecycle = group(async () => {
    await emulator.start({ users, record: false, protocol: 'legacy' });
    client = misskey({ origin: emulator.origin, token: 'admin-token', protocol: 'legacy', apiTransport: 'stream' });
    const keepOpen = client.broadcasts().subscribe();
    socket = await openRaw(emulator.port, 'alice-token', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; body: unknown };
      if (!frame.type.startsWith('api-res:')) return;
      const id = frame.type.slice(8);
      const resolve = pending.get(id);
      pending.delete(id);
      resolve?.(frame.body);
    });
    await emulator.until((s) => s.connections === 2);
    jsApi = new misskeyApi.APIClient({ origin: emulator.origin, credential: 'bob-token' });
    return () => {
      keepOpen.unsubscribe();
      socket.close();
      agent.destroy();
      void pool?.close();
      pool = undefined;
      emulator.close();
    };
  });
  const rawRequest = (): Promise<unknown> =>
    new Promise((resolve) => {
      const id = String(++counter);
      pending.set(id, resolve);
      socket.send(JSON.stringify({ type: 'api', id, endpoint: 'meta', data: {} }));
    });
  const httpRequest = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ i: 'alice-token' });
      const req = request(`${emulator.origin}/api/meta`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
      });
      req.on('error', reject);
      req.end(body);
    });
  const ourHttp = (): Promise<number> =>
    perCpuSecond('ours-http', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, () => firstValueFrom(client.api('meta', undefined, { transport: 'http' }))));
  const undiciRequest = async (): Promise<unknown> => {
    pool ??= new Pool(emulator.origin, { connections: IN_FLIGHT });
    const body = JSON.stringify({ i: 'alice-token' });
    const answer = await pool.request({ path: '/api/meta', method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return JSON.parse(await answer.body.text());
  };
  /** The floor of streamrx's transport: undici's `dispatch` with a handler that keeps the body, as `undiciTransport` does. */
  const undiciDispatch = (): Promise<unknown> =>
    new Promise((resolve, reject) => {
      pool ??= new Pool(emulator.origin, { connections: IN_FLIGHT });
      const chunks: Buffer[] = [];
      const body = JSON.stringify({ i: 'alice-token' });
      pool.dispatch(
        { path: '/api/meta', method: 'POST', headers: { 'content-type': 'application/json' }, body },
        {
          onRequestStart: () => undefined, // marks the handler as undici 7's kind
          onResponseData: (_controller, chunk) => void chunks.push(chunk),
          onResponseEnd: () => resolve(JSON.parse(Buffer.concat(chunks).toString())),
          onResponseError: (_controller, error) => reject(error),
        },
      );
    });
  return [
    {
      name: 'misskey stream API round trips (64 in flight) vs bare Map-of-resolvers',
      unit: 'req/cpu-s',
      goal: '>= 0.8',
      ...lifecycle,
      baseline: () => perCpuSecond('raw-rr', ROUND_TRIPS, () => runInFlight(ROUND_TRIPS, IN_FLIGHT, rawRequest)),
      // The same 64 promise workers as the baseline, each awaiting one api() call at a time.
      subject: () => perCpuSecond('ours-rr', ROUND_TRIPS, () => runInFlight(ROUND_TRIPS, IN_FLIGHT, () => firstValueFrom(client.api('meta')))),
      note: wallNote('raw-rr', 'ours-rr'),
    },
    {
      name: 'misskey HTTP API round trips (64 in flight) vs bare node:http keep-alive',
      unit: 'req/cpu-s',
      goal: '>= 0.95',
      ...lifecycle,
      baseline: () => perCpuSecond('raw-http', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, httpRequest)),
      subject: ourHttp,
      note: (baseline, subject) => `${perCall('bare node:http', baseline)}, ${perCall('streamrx api()', subject)}; ${wallNote('raw-http', 'ours-http')()}`,
    },
    {
      name: 'misskey HTTP API round trips (64 in flight) vs misskey-js APIClient (fetch)',
      unit: 'req/cpu-s',
      goal: '>= 4',
      ...lifecycle,
      baseline: () => perCpuSecond('js-http', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, () => jsApi.request('meta', {}))),
      subject: ourHttp,
      note: (baseline, subject) => `${perCall('misskey-js APIClient', baseline)}, ${perCall('streamrx api()', subject)}`,
    },
    {
      name: "misskey HTTP api() layers: api() vs bare undici dispatch, its transport's floor (64 in flight; reported)",
      unit: 'req/cpu-s',
      ...lifecycle,
      baseline: () => perCpuSecond('undici-dispatch', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, undiciDispatch)),
      subject: ourHttp,
      note: (baseline, subject) =>
        `${perCall('bare undici dispatch', baseline)}, ${perCall('streamrx api()', subject)}: ` +
        `${(1e6 / subject - 1e6 / baseline).toFixed(1)} µs per call for the body, the governor, retry, time limit and the Observable`,
    },
    {
      name: 'misskey HTTP limit: undici Pool.request vs bare node:http keep-alive (64 in flight; reported, neither is streamrx)',
      unit: 'req/cpu-s',
      ...lifecycle,
      baseline: () => perCpuSecond('raw-http', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, httpRequest)),
      subject: () => perCpuSecond('undici-http', HTTP_ROUND_TRIPS, () => runInFlight(HTTP_ROUND_TRIPS, IN_FLIGHT, undiciRequest)),
      note: (baseline, subject) => `${perCall('bare node:http', baseline)}, ${perCall('undici Pool', subject)}`,
    },
  ];
}

// ---- (5): delay from send to subscriber at a fixed rate -------------------------------------------------

const LATENCY_RATE = 20_000;
const LATENCY_MS = 10_000;

/** The send-to-handler delays of one run, in ns, and their percentiles. */
class Delays {
  private readonly delays = new Float64Array((LATENCY_RATE * LATENCY_MS) / 1000);
  count = 0;

  /** Records the delay of a message stamped `sentAt` (monotonic ns), now. */
  arrived(sentAt: number): void {
    this.delays[this.count++] = monotonicNs() - sentAt;
  }

  /** p50, p99 and max in µs. */
  summary(): { p50: number; p99: number; max: number } {
    const sorted = this.delays.slice(0, this.count).sort();
    const at = (q: number): number => (sorted[Math.min(this.count - 1, Math.floor(q * this.count))] ?? 0) / 1000;
    return { p50: at(0.5), p99: at(0.99), max: (sorted[this.count - 1] ?? 0) / 1000 };
  }
}

type LatencyVariant = (delays: Delays) => Promise<() => void>;

function latencyComparisons(): Comparison[] {
  const emulator = new RemoteEmulator();
  let note: unknown;
  const summaries = new Map<string, Array<{ p50: number; p99: number; max: number }>>();
  const lifecycle = group(async () => {
    await emulator.start({ users, record: false });
    note = await emulator.call({ cmd: 'createNote', username: 'admin', text: 'レイテンシ測定用のノートです。#misskey https://example.com/some/link' });
    return () => emulator.close();
  });
  /** One run: connect the variant alone, send at the fixed rate, disconnect; returns its p99 in µs. */
  const run = (label: string, open: LatencyVariant) => async (): Promise<number> => {
    const delays = new Delays();
    const close = await open(delays);
    await emulator.until((s) => s.channels === 1);
    const sent = await emulator.call<number>({ cmd: 'paced', channel: 'localTimeline', note, perSecond: LATENCY_RATE, durationMs: LATENCY_MS });
    while (delays.count < sent) await new Promise((resolve) => setTimeout(resolve, 5));
    close();
    await emulator.until((s) => s.channels === 0);
    const summary = delays.summary();
    summaries.set(label, [...(summaries.get(label) ?? []), summary]);
    return summary.p99;
  };
  const ours = run('channel()', async (delays) => {
    const client = misskey({ origin: emulator.origin, token: 'admin-token' });
    const subscription = client.channel('localTimeline').subscribe((m) => delays.arrived((m.body as unknown as { sentAt: number }).sentAt));
    return () => subscription.unsubscribe();
  });
  const raw = run('raw ws', async (delays) => {
    const socket = await openRaw(emulator.port, 'alice-token', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; body: { id: string; type: string; body: { sentAt: number } } };
      if (frame.type === 'channel' && frame.body.id === 'raw' && frame.body.type === 'note') delays.arrived(frame.body.body.sentAt);
    });
    socket.send(JSON.stringify({ type: 'connect', body: { channel: 'localTimeline', id: 'raw', pong: true } }));
    return () => socket.close();
  });
  const js = run('misskey-js', async (delays) => {
    const stream = new Stream(emulator.origin, { token: 'bob-token' }, { WebSocket: WebSocket as never });
    stream.useChannel('localTimeline').on('note', (n) => delays.arrived((n as unknown as { sentAt: number }).sentAt));
    return () => stream.close();
  });
  const figures = (label: string): string => {
    const all = summaries.get(label) ?? [];
    const med = (pick: (s: { p50: number; p99: number; max: number }) => number): string => (all.length ? Math.round(median(all.map(pick))) : 0).toLocaleString('en-US');
    return `${label} p50 ${med((s) => s.p50)} / p99 ${med((s) => s.p99)} / max ${med((s) => s.max)} µs`;
  };
  const latencyNote = (baselineLabel: string) => (): string =>
    `${LATENCY_RATE.toLocaleString('en-US')} notes/s for ${LATENCY_MS / 1000} s, medians over runs: ${figures(baselineLabel)}; ${figures('channel()')}`;
  const shared = { unit: 'p99 µs (lower is better)', ...lifecycle, subject: ours };
  return [
    { name: 'misskey latency: channel() vs raw ws, p99 send-to-handler at 20,000 notes/s', goal: '<= 1.1', ...shared, baseline: raw, note: latencyNote('raw ws') },
    { name: 'misskey latency: channel() vs misskey-js Stream, p99 send-to-handler at 20,000 notes/s', ...shared, baseline: js, note: latencyNote('misskey-js') },
  ];
}

// ---- (6): heap per subscription -----------------------------------------------------------------------

const HELD_SUBSCRIPTIONS = 10_000;

/** A full garbage collection, twice (the second frees what the first's finalizers released). */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  return () => {
    gc();
    gc();
  };
})();

/** Opens `HELD_SUBSCRIPTIONS` subscriptions; the returned function closes them. */
type Holder = () => () => void;

function memoryComparisons(): Comparison[] {
  const emulator = new RemoteEmulator();
  const ids = noteIds('0mem', HELD_SUBSCRIPTIONS);
  const lifecycle = group(async () => {
    await emulator.start({ users, record: false });
    return () => emulator.close();
  });
  /**
   * Heap bytes per subscription: heap after a forced GC with the subscriptions held and acknowledged by the
   * emulator, minus the heap after they are closed again, over their number.
   */
  const bytesPer = (hold: Holder, held: (s: MisskeyEmulatorStats) => boolean) => async (): Promise<number> => {
    const close = hold();
    await emulator.until(held);
    collectGarbage();
    const holding = process.memoryUsage().heapUsed;
    close();
    await emulator.until((s) => s.channels === 0 && s.noteSubscriptions === 0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    collectGarbage();
    return (holding - process.memoryUsage().heapUsed) / HELD_SUBSCRIPTIONS;
  };
  /** A streamrx client holding one socket open for the run (as an app's other streams would). */
  const withClient = (token: string, open: (client: MisskeyClient) => Subscription[]): Holder => () => {
    const client = misskey({ origin: emulator.origin, token });
    const keepOpen = client.broadcasts().subscribe();
    const subscriptions = open(client);
    return () => {
      for (const s of subscriptions) s.unsubscribe();
      keepOpen.unsubscribe();
    };
  };
  const withStream = (token: string, open: (stream: Stream) => () => void): Holder => () => {
    const stream = new Stream(emulator.origin, { token }, { WebSocket: WebSocket as never });
    const closeAll = open(stream);
    return () => {
      closeAll();
      stream.close();
    };
  };
  const sink = { n: 0 };
  const count = (): void => void sink.n++;
  const ourNotes = withClient('admin-token', (client) => ids.map((id) => client.noteUpdates(id).subscribe(count)));
  const ourNoteSet = withClient('admin-token', (client) => [client.noteUpdates(ids).subscribe(count)]);
  const jsNotes = withStream('bob-token', (stream) => {
    const handlers = ids.map((id) => {
      stream.send('subNote', { id });
      const handler = (e: { id: string }): void => void (e.id === id && sink.n++);
      stream.on('noteUpdated', handler);
      return handler;
    });
    return () => {
      for (const handler of handlers) stream.off('noteUpdated', handler);
    };
  });
  const ourChannels = withClient('admin-token', (client) => ids.map(() => client.channel('localTimeline').subscribe(count)));
  const jsChannels = withStream('bob-token', (stream) => {
    const connections = ids.map(() => {
      const connection = stream.useChannel('localTimeline');
      connection.on('note', count);
      return connection;
    });
    return () => {
      for (const connection of connections) connection.dispose();
    };
  });
  const notesHeld = (s: MisskeyEmulatorStats): boolean => s.noteSubscriptions === HELD_SUBSCRIPTIONS;
  // both pool a channel by name (and params): the 10,000 subscriptions share one server connection
  const channelHeld = (s: MisskeyEmulatorStats): boolean => s.channels === 1;
  const unit = 'heap bytes per subscription (lower is better)';
  return [
    {
      name: 'misskey memory: noteUpdates() vs misskey-js subNote + noteUpdated listener (10,000 followed notes)',
      unit,
      goal: '<= 1.0',
      ...lifecycle,
      baseline: bytesPer(jsNotes, notesHeld),
      subject: bytesPer(ourNotes, notesHeld),
      note: (baseline, subject) =>
        `heap after forced GC: misskey-js ${Math.round(baseline)} B, streamrx ${Math.round(subject)} B per followed note ` +
        '(a subscription per note: an rxjs Subscriber with its teardown is about 460 B by itself)',
    },
    {
      name: 'misskey memory: noteUpdates(ids) following 10,000 notes in one subscription vs misskey-js subNote + noteUpdated listener',
      unit,
      goal: '<= 1.0',
      ...lifecycle,
      baseline: bytesPer(jsNotes, notesHeld),
      subject: bytesPer(ourNoteSet, notesHeld),
      note: (baseline, subject) => `heap after forced GC: misskey-js ${Math.round(baseline)} B, streamrx ${Math.round(subject)} B per followed note`,
    },
    {
      name: 'misskey memory: channel() vs misskey-js useChannel (10,000 localTimeline subscriptions)',
      unit,
      goal: '<= 1.0',
      ...lifecycle,
      baseline: bytesPer(jsChannels, channelHeld),
      subject: bytesPer(ourChannels, channelHeld),
      note: (baseline, subject) =>
        `heap after forced GC: misskey-js ${Math.round(baseline)} B, streamrx ${Math.round(subject)} B per channel subscription ` +
        '(both share one server channel among them; a streamrx subscription is an rxjs Observable and Subscriber, ' +
        'about 400 B for a bare one, where a misskey-js one is an event listener)',
    },
  ];
}

export default (process.env.MISSKEY_BENCH_CHILD === '1'
  ? []
  : [...channelComparisons(), ...noteComparisons(), ...requestComparisons(), ...latencyComparisons(), ...memoryComparisons()]) satisfies Comparison[];
