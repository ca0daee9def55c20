/**
 * Telemetry benchmarks on Misskey `channel()`: 20,000 note frames per round written by an emulator in a
 * child process (this file, started with TELEMETRY_MISSKEY_BENCH_CHILD=1) to three clients, each on its own
 * socket as its own user: without telemetry (baseline), with `otelTelemetry()` over a real SDK
 * MeterProvider (goal >= 0.95), and with `otelTelemetry()` over the global no-op providers (goal >= 0.99).
 * Figures are messages per CPU-second of this process, which stays comparable on a shared machine.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Subscription } from 'rxjs';
import type { Telemetry } from '../src/index.js';
import { misskey } from '../src/misskey/index.js';
import { otelTelemetry } from '../src/telemetry/index.js';
import { startMisskeyEmulator, type MisskeyEmulator, type PreparedFlood } from '../src/testing/misskey/index.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import type { Comparison } from './harness.js';
import { InProcessReader } from '../recipes/source-metrics.js';

const MESSAGES = 20_000;
/** Nearly all the time goes to ws and JSON.parse, so the ratios sit near 1 and need many short pairs. */
const ROUNDS = 25;
const CHILD_FLAG = 'TELEMETRY_MISSKEY_BENCH_CHILD';
const variants = { plain: 'admin', meter: 'alice', noop: 'bob' } as const;
type Variant = keyof typeof variants;

type ChildCommand = { cmd: 'start' } | { cmd: 'prepare'; channels: number } | { cmd: 'write'; variant: Variant };

if (isBenchChild(CHILD_FLAG)) serveAsChild();

function serveAsChild(): void {
  let emulator: MisskeyEmulator | undefined;
  const floods = new Map<Variant, PreparedFlood>();
  serveBenchChild<ChildCommand>(async (command) => {
    if (command.cmd === 'start') {
      emulator = await startMisskeyEmulator({ users: Object.values(variants).map((username) => ({ username, token: `${username}-token` })), record: false });
      return emulator.origin;
    }
    const em = emulator as MisskeyEmulator;
    if (command.cmd === 'prepare') {
      await em.waitFor(() => em.stats().channels === command.channels, 'every channel connected');
      const note = em.createNote('admin', { text: 'ベンチマーク用のノートです。今日はいい天気ですね☀️ #misskey https://example.com/some/link' });
      for (const [variant, username] of Object.entries(variants) as Array<[Variant, string]>) {
        floods.set(variant, em.prepareChannelFlood('localTimeline', { type: 'note', body: note }, MESSAGES, { to: username }));
      }
      return undefined;
    }
    return floods.get(command.variant)?.write();
  }, () => emulator?.close());
}

const child = new BenchChild<ChildCommand>(import.meta.url, CHILD_FLAG);
const arrivals: Record<Variant, { count: number; done: () => void }> = {
  plain: { count: 0, done: () => undefined },
  meter: { count: 0, done: () => undefined },
  noop: { count: 0, done: () => undefined },
};
const subscriptions: Subscription[] = [];
let started = false;

async function setup(): Promise<void> {
  if (started) return;
  started = true;
  child.start();
  const origin = await child.call<string>({ cmd: 'start' });
  const telemetryOf: Record<Variant, Telemetry | undefined> = {
    plain: undefined,
    meter: otelTelemetry({ meterProvider: new MeterProvider({ readers: [new InProcessReader()] }), tracerProvider: new BasicTracerProvider() }),
    noop: otelTelemetry(),
  };
  for (const [variant, username] of Object.entries(variants) as Array<[Variant, string]>) {
    const telemetry = telemetryOf[variant];
    const client = misskey({ origin, token: `${username}-token`, ...(telemetry ? { telemetry } : {}) });
    const arrival = arrivals[variant];
    subscriptions.push(client.channel('localTimeline').subscribe(() => {
      if (--arrival.count === 0) arrival.done();
    }));
  }
  await child.call({ cmd: 'prepare', channels: subscriptions.length });
}

async function teardown(): Promise<void> {
  if (!started) return;
  started = false;
  for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
  child.stop();
}

/** Messages per CPU-second of this process for one flood to `variant`. */
async function perCpuSecond(variant: Variant): Promise<number> {
  const arrival = arrivals[variant];
  const arrived = new Promise<void>((resolve) => {
    arrival.count = MESSAGES;
    arrival.done = resolve;
  });
  const cpuBefore = process.cpuUsage();
  await child.call({ cmd: 'write', variant });
  await arrived;
  const cpu = process.cpuUsage(cpuBefore);
  return MESSAGES / ((cpu.user + cpu.system) / 1e6);
}

const comparisons: Comparison[] = [
  {
    name: 'telemetry: misskey channel() with otelTelemetry over a real MeterProvider vs without telemetry',
    unit: 'msgs/cpu-s',
    goal: '>= 0.95',
    rounds: ROUNDS,
    setup,
    teardown,
    baseline: () => perCpuSecond('plain'),
    subject: () => perCpuSecond('meter'),
    note: () => `${MESSAGES.toLocaleString('en-US')} note frames per round; an SDK MeterProvider with a reader attached`,
  },
  {
    name: 'telemetry: misskey channel() with otelTelemetry and no provider registered vs without telemetry',
    unit: 'msgs/cpu-s',
    goal: '>= 0.99',
    rounds: ROUNDS,
    setup,
    teardown,
    baseline: () => perCpuSecond('plain'),
    subject: () => perCpuSecond('noop'),
    note: () => `${MESSAGES.toLocaleString('en-US')} note frames per round; the global providers of @opentelemetry/api are its no-ops`,
  },
];

export default comparisons;
