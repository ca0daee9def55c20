/**
 * Telemetry benchmarks: what the `telemetry` option costs on the hottest path, mixi2 `client.events()`
 * (100,000 POST_CREATED events, 10 per stream message, per second of the client process's CPU, from an emulator in a child process started with
 * TELEMETRY_BENCH_CHILD=1). The baseline is the client without the option; the subjects are the same client
 * with `otelTelemetry()` over a real SDK MeterProvider and TracerProvider (goal >= 0.95), and with
 * `otelTelemetry()` over the global providers when none is registered, the no-op ones (goal >= 0.99).
 */
import { credentials } from '@grpc/grpc-js';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { Subscription } from 'rxjs';
import type { Telemetry } from '../src/index.js';
import { clientCredentials, mixi2Client, type Mixi2Auth } from '../src/mixi2/index.js';
import { otelTelemetry } from '../src/telemetry/index.js';
import { buildPostCreatedEvent, encodeEventResponse, startMixi2Emulator } from '../src/testing/mixi2/index.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import type { Comparison } from './harness.js';
import { InProcessReader } from '../recipes/source-metrics.js';

const EVENTS = 100_000;
const EVENTS_PER_MESSAGE = 10;
const DISTINCT = 500;
const CHILD_FLAG = 'TELEMETRY_BENCH_CHILD';

type ChildRequest = { cmd: 'start' | 'flood' | 'waitClosed' };
type Endpoints = { streamAddress: string; clientId: string; clientSecret: string; tokenUrl: string };

if (isBenchChild(CHILD_FLAG)) await serveAsChild();

async function serveAsChild(): Promise<void> {
  const emulator = await startMixi2Emulator({ pingInterval: Infinity, relay: false });
  const distinct = Array.from({ length: DISTINCT }, (_, i) =>
    encodeEventResponse(
      Array.from({ length: EVENTS_PER_MESSAGE }, (_, j) =>
        buildPostCreatedEvent({ postId: `post-${i}-${j}`, text: '@bot 今日のおすすめのランチを教えてください！駅前の新しいカフェが気になっています☕' }, { eventId: `event-${i}-${j}` }),
      ),
    ),
  );
  const flood = Array.from({ length: EVENTS / EVENTS_PER_MESSAGE }, (_, i) => distinct[i % DISTINCT] as Buffer);
  serveBenchChild<ChildRequest>((request) => {
    if (request.cmd === 'start') return { streamAddress: emulator.streamAddress, clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl };
    if (request.cmd === 'waitClosed') return emulator.waitForStreams(0);
    return emulator.waitForStreams(1).then(() => emulator.flood(flood));
  }, () => emulator.close());
}

const emulatorProcess = new BenchChild<ChildRequest>(import.meta.url, CHILD_FLAG);
let endpoints: Endpoints;
let auth: Mixi2Auth;

/**
 * Events per second of this process's CPU delivered by `client.events()` with `telemetry` (none when
 * undefined): the emulator runs in its own process, so the figure is the client's cost, not the sender's pace.
 */
async function eventsPerSecond(telemetry: Telemetry | undefined): Promise<number> {
  await emulatorProcess.call({ cmd: 'waitClosed' });
  const client = mixi2Client({ auth, streamAddress: endpoints.streamAddress, credentials: credentials.createInsecure(), ...(telemetry ? { telemetry } : {}) });
  const started = process.cpuUsage();
  let subscription: Subscription | undefined;
  await new Promise<void>((resolve) => {
    let seen = 0;
    subscription = client.events().subscribe(() => {
      if (++seen === EVENTS) resolve();
    });
    emulatorProcess.call({ cmd: 'flood' }).catch(() => undefined);
  });
  const used = process.cpuUsage(started);
  const seconds = (used.user + used.system) / 1e6;
  subscription?.unsubscribe();
  return EVENTS / seconds;
}

async function start(): Promise<void> {
  emulatorProcess.start();
  endpoints = await emulatorProcess.call<Endpoints>({ cmd: 'start' });
  auth = clientCredentials({ clientId: endpoints.clientId, clientSecret: endpoints.clientSecret, tokenUrl: endpoints.tokenUrl });
}

const withMeterProvider: Comparison = {
  name: 'telemetry: mixi2 events() with otelTelemetry over a real MeterProvider vs without telemetry',
  unit: 'events/cpu-s',
  goal: '>= 0.95',
  rounds: 7,
  setup: start,
  async teardown() {
    emulatorProcess.stop();
  },
  baseline: () => eventsPerSecond(undefined),
  subject: () =>
    eventsPerSecond(otelTelemetry({ meterProvider: new MeterProvider({ readers: [new InProcessReader()] }), tracerProvider: new BasicTracerProvider() })),
  note: () => `${EVENTS.toLocaleString('en-US')} events per run, ${EVENTS_PER_MESSAGE} per stream message; an SDK MeterProvider with a reader attached`,
};

const withoutProvider: Comparison = {
  name: 'telemetry: mixi2 events() with otelTelemetry and no provider registered vs without telemetry',
  unit: 'events/cpu-s',
  goal: '>= 0.99',
  rounds: 15,
  setup: start,
  async teardown() {
    emulatorProcess.stop();
  },
  baseline: () => eventsPerSecond(undefined),
  subject: () => eventsPerSecond(otelTelemetry()),
  note: () => `${EVENTS.toLocaleString('en-US')} events per run; the global MeterProvider and TracerProvider of @opentelemetry/api are its no-ops`,
};

export default [withMeterProvider, withoutProvider];
