/**
 * mixi2 benchmarks.
 * - events: `client.events()` against a raw @grpc/grpc-js `'data'` handler reading the same emulator stream
 *   (200,000 POST_CREATED events with realistic text, one per stream message, pre-encoded). The emulator
 *   runs in a child process (this file, started with MIXI2_BENCH_CHILD=1) so its writing does not share the
 *   measured event loop; both variants decode the same bytes with the same generated code.
 * - webhook: verified deliveries per second through `mixi2Webhook` against a hand-written node:http receiver
 *   doing the same Ed25519 check and decode (reported, no goal).
 */
import { request as httpRequest, Agent, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, verify } from 'node:crypto';
import { credentials, InterceptingCall, Metadata, type Interceptor, type ServiceError } from '@grpc/grpc-js';
import { firstValueFrom, type Subscription } from 'rxjs';
import { clientCredentials, mixi2Client, mixi2Webhook, SendEventRequest, EventType, type Mixi2Auth, type Mixi2Client } from '../src/mixi2/index.js';
import { ApplicationServiceClient as StreamClient } from '../src/mixi2/gen/social/mixi/application/service/application_stream/v1/service.js';
import { ApplicationServiceClient as ApiClient, CreatePostRequest, GetUsersRequest } from '../src/mixi2/gen/social/mixi/application/service/application_api/v1/service.js';
import { buildMixi2User, buildPostCreatedEvent, encodeEventResponse, startMixi2Emulator } from '../src/testing/mixi2/index.js';
import { WebhookSender } from '../src/testing/mixi2/webhook-sender.js';
import { BenchChild, isBenchChild, serveBenchChild } from './child-process.js';
import { runInFlight } from './in-flight.js';
import type { Comparison } from './harness.js';
import { uploadComparison } from './mixi2-upload.js';

const EVENTS = 200_000;
/** Events per stream message: a busy stream batches (a response can carry several events). */
const EVENTS_PER_MESSAGE = 10;
const DISTINCT = 1_000;
const DELIVERIES = 3_000;
const DELIVERY_CONCURRENCY = 16;
const EVENTS_PER_DELIVERY = 2;

const SAMPLE_TEXTS = [
  '@bot 今日のおすすめのランチを教えてください！駅前の新しいカフェが気になっています☕',
  '@bot can you summarise this thread for me? I missed the last few posts while travelling.',
  '@bot 明日の天気はどうかな。傘を持っていくべき？ #weather',
  '@bot おはようございます🌅 今週のイベント情報をまとめてほしいです。よろしくお願いします！',
  '@bot quick question: what time does the community meetup start on Saturday?',
];

function realisticEvent(i: number) {
  const issuer = buildMixi2User({
    userId: `user-${i % 977}`,
    name: `user${i % 977}`,
    displayName: `ユーザー ${i % 977}`,
    profile: '写真とコーヒーが好きです。週末はよく散歩しています。',
    userAvatar: {
      largeImageUrl: `https://media.mixi.social/avatar/${i % 977}/large.jpg`,
      largeImageMimeType: 'image/jpeg',
      largeImageHeight: 400,
      largeImageWidth: 400,
      smallImageUrl: `https://media.mixi.social/avatar/${i % 977}/small.jpg`,
      smallImageMimeType: 'image/jpeg',
      smallImageHeight: 96,
      smallImageWidth: 96,
    },
  });
  return buildPostCreatedEvent({ postId: `post-${i}`, text: SAMPLE_TEXTS[i % SAMPLE_TEXTS.length] ?? '' }, { eventId: `event-${i}`, issuer });
}

type ChildRequest = { cmd: 'start' | 'flood' | 'waitClosed' };
type Endpoints = { streamAddress?: string; apiAddress?: string; clientId?: string; clientSecret?: string; tokenUrl?: string };
/** The users GetUsers asks for in the unary comparison (the emulator knows them). */
const KNOWN_USER_IDS = ['user-1', 'user-2', 'user-3'];

const CHILD_FLAG = 'MIXI2_BENCH_CHILD';
if (isBenchChild(CHILD_FLAG)) await serveAsChild();

async function serveAsChild(): Promise<void> {
  // no rate limits (the default): the unary comparison measures the call path, not a limiter
  const emulator = await startMixi2Emulator({ pingInterval: Infinity, relay: false });
  emulator.register(...KNOWN_USER_IDS.map((userId) => buildMixi2User({ userId })));
  // built at the first flood: the unary comparisons' child never floods
  let flood: Buffer[] | undefined;
  const floodMessages = (): Buffer[] => {
    const distinct = Array.from({ length: DISTINCT }, (_, i) =>
      encodeEventResponse(Array.from({ length: EVENTS_PER_MESSAGE }, (_, j) => realisticEvent(i * EVENTS_PER_MESSAGE + j))),
    );
    return Array.from({ length: EVENTS / EVENTS_PER_MESSAGE }, (_, i) => distinct[i % DISTINCT] as Buffer);
  };
  serveBenchChild<ChildRequest>((request) => {
    if (request.cmd === 'start') {
      const { streamAddress, apiAddress, clientId, clientSecret, tokenUrl } = emulator;
      return { streamAddress, apiAddress, clientId, clientSecret, tokenUrl };
    }
    if (request.cmd === 'waitClosed') return emulator.waitForStreams(0);
    flood ??= floodMessages();
    return emulator.waitForStreams(1).then(() => emulator.flood(flood!));
  }, () => emulator.close());
}

const emulatorProcess = new BenchChild<ChildRequest>(import.meta.url, CHILD_FLAG);
let endpoints: Endpoints = {};
let auth: Mixi2Auth;

const cpuRates = { baseline: [] as number[], subject: [] as number[] };
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/**
 * Runs one flood of EVENTS events into `consume` (which resolves when it has seen them all) and returns the
 * wall-clock rate. Batched messages make the consumer, not the emulator, the bottleneck, so the rate measures
 * the client. Events per CPU-second of this process are kept for the note.
 */
async function eventsPerSecond(variant: 'baseline' | 'subject', consume: (done: () => void) => () => void): Promise<number> {
  await emulatorProcess.call({ cmd: 'waitClosed' });
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  let finish: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (finish = resolve));
  const stop = consume(finish);
  await emulatorProcess.call({ cmd: 'flood' });
  await all;
  const cpu = process.cpuUsage(cpuBefore);
  const seconds = (performance.now() - started) / 1000;
  stop();
  cpuRates[variant].push(EVENTS / ((cpu.user + cpu.system) / 1e6));
  return EVENTS / seconds;
}

const eventsComparison: Comparison = {
  name: 'mixi2 events: client.events() vs raw grpc-js data handler',
  unit: 'events/s',
  goal: '>= 0.95',
  async setup() {
    emulatorProcess.start();
    endpoints = await emulatorProcess.call<Endpoints>({ cmd: 'start' });
    auth = clientCredentials({ clientId: endpoints.clientId ?? '', clientSecret: endpoints.clientSecret ?? '', tokenUrl: endpoints.tokenUrl });
  },
  async teardown() {
    emulatorProcess.stop();
  },
  async baseline() {
    const token = await auth.token();
    return eventsPerSecond('baseline', (done) => {
      const client = new StreamClient(endpoints.streamAddress ?? '', credentials.createInsecure());
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const call = client.subscribeEvents({}, metadata);
      let seen = 0;
      let lastId = '';
      call.on('data', (response: SendEventRequest) => {
        for (const event of response.events) {
          if (event.eventType === EventType.EVENT_TYPE_PING) continue;
          lastId = event.eventId;
          if (++seen === EVENTS) done();
        }
      });
      call.on('error', () => undefined);
      return () => {
        call.cancel();
        client.close();
        void lastId;
      };
    });
  },
  async subject() {
    const client = mixi2Client({ auth, streamAddress: endpoints.streamAddress, credentials: credentials.createInsecure() });
    return eventsPerSecond('subject', (done) => {
      let seen = 0;
      let lastId = '';
      const subscription: Subscription = client.events().subscribe((event) => {
        lastId = event.eventId;
        if (++seen === EVENTS) done();
      });
      return () => {
        subscription.unsubscribe();
        void lastId;
      };
    });
  },
  note: () =>
    `${EVENTS.toLocaleString('en-US')} POST_CREATED events per run, ${EVENTS_PER_MESSAGE} per stream message; ` +
    `per CPU-second of the consuming process: raw ${Math.round(median(cpuRates.baseline)).toLocaleString('en-US')}, ` +
    `streamrx ${Math.round(median(cpuRates.subject)).toLocaleString('en-US')}`,
};

// ---- unary API calls ----
const UNARY_CALLS = 4_000;
const UNARY_IN_FLIGHT = 64;
const unaryProcess = new BenchChild<ChildRequest>(import.meta.url, CHILD_FLAG);
let unaryEndpoints: Endpoints = {};
let unaryAuth: Mixi2Auth;

/** Runs `total` calls, `concurrency` at a time, and returns calls per CPU-second of this process. */
async function callsPerCpuSecond(total: number, concurrency: number, call: () => Promise<unknown>): Promise<number> {
  const cpuBefore = process.cpuUsage();
  await runInFlight(total, concurrency, call);
  const cpu = process.cpuUsage(cpuBefore);
  return total / ((cpu.user + cpu.system) / 1e6);
}

/** A hand-written client: the generated grpc-js client with an interceptor adding the bearer token. */
function rawApiClient(token: string): ApiClient {
  const withToken: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
  return new ApiClient(unaryEndpoints.apiAddress ?? '', credentials.createInsecure(), { interceptors: [withToken] });
}

/** One raw call the way a hand-written bot makes it: the request built from a partial, a 30 s deadline (streamrx's default). */
function rawUnary<Response>(invoke: (deadline: Date, callback: (error: ServiceError | null, response: Response) => void) => void): Promise<Response> {
  return new Promise((resolve, reject) => invoke(new Date(Date.now() + 30_000), (error, response) => (error ? reject(error) : resolve(response))));
}

type UnaryVariants = { raw: (client: ApiClient) => Promise<unknown>; streamrx: (client: Mixi2Client) => Promise<unknown> };

function unaryComparison(rpc: string, variants: UnaryVariants): Comparison {
  let raw: ApiClient | undefined;
  let client: Mixi2Client | undefined;
  return {
    name: `mixi2 api.${rpc} vs raw grpc-js unary client with a token interceptor (${UNARY_IN_FLIGHT} in flight)`,
    unit: 'calls/cpu-s',
    goal: '>= 0.95',
    async setup() {
      unaryProcess.start();
      unaryEndpoints = await unaryProcess.call<Endpoints>({ cmd: 'start' });
      unaryAuth = clientCredentials({ clientId: unaryEndpoints.clientId ?? '', clientSecret: unaryEndpoints.clientSecret ?? '', tokenUrl: unaryEndpoints.tokenUrl });
      raw = rawApiClient(await unaryAuth.token());
      // rateLimits: false — the governor (20 per minute per RPC by default) would measure the limiter, not the call path
      client = mixi2Client({ auth: unaryAuth, apiAddress: unaryEndpoints.apiAddress, credentials: credentials.createInsecure(), rateLimits: false });
    },
    async teardown() {
      raw?.close();
      unaryProcess.stop();
    },
    baseline: () => callsPerCpuSecond(UNARY_CALLS, UNARY_IN_FLIGHT, () => variants.raw(raw!)),
    subject: () => callsPerCpuSecond(UNARY_CALLS, UNARY_IN_FLIGHT, () => variants.streamrx(client!)),
    note: (baseline, subject) =>
      `${UNARY_CALLS.toLocaleString('en-US')} calls per run, emulator in a child process; client CPU per call: raw ${(1e6 / baseline).toFixed(1)} µs, streamrx ${(1e6 / subject).toFixed(1)} µs`,
  };
}

const unaryComparisons: Comparison[] = [
  unaryComparison('createPost', {
    raw: (api) => rawUnary((deadline, callback) => api.createPost(CreatePostRequest.fromPartial({ text: 'ベンチマークの投稿です' }), new Metadata(), { deadline }, callback)),
    streamrx: (client) => firstValueFrom(client.api.createPost({ text: 'ベンチマークの投稿です' })),
  }),
  unaryComparison('getUsers', {
    raw: (api) => rawUnary((deadline, callback) => api.getUsers(GetUsersRequest.fromPartial({ userIdList: KNOWN_USER_IDS }), new Metadata(), { deadline }, callback)),
    streamrx: (client) => firstValueFrom(client.api.getUsers({ userIdList: KNOWN_USER_IDS })),
  }),
];

// ---- webhook ----
const sender = new WebhookSender();
const agent = new Agent({ keepAlive: true, maxSockets: DELIVERY_CONCURRENCY });
let deliveries: Array<{ body: Uint8Array; headers: Record<string, string> }> = [];

function post(url: URL, delivery: { body: Uint8Array; headers: Record<string, string> }): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', agent, headers: { ...delivery.headers, 'content-length': String(delivery.body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(delivery.body);
  });
}

/** Posts every prepared delivery with bounded concurrency; resolves with verified events per second. */
async function deliverAll(url: URL, received: () => number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++];
      if (delivery && (await post(url, delivery)) !== 204) throw new Error('webhook delivery refused');
    }
  };
  await Promise.all(Array.from({ length: DELIVERY_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  if (received() !== DELIVERIES * EVENTS_PER_DELIVERY) throw new Error(`webhook bench saw ${received()} events`);
  return received() / seconds;
}

function listen(server: Server): Promise<URL> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/events`))));
}

const webhookComparison: Comparison = {
  name: 'mixi2 webhook: verified events/s, mixi2Webhook vs hand-written node:http receiver',
  unit: 'events/s',
  async setup() {
    let n = 0;
    deliveries = Array.from({ length: DELIVERIES }, () => sender.prepare(Array.from({ length: EVENTS_PER_DELIVERY }, () => realisticEvent(n++))));
  },
  async teardown() {
    agent.destroy();
  },
  async baseline() {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(sender.publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    let received = 0;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const timestamp = String(req.headers['x-mixi2-application-event-timestamp']);
        const signature = Buffer.from(String(req.headers['x-mixi2-application-event-signature']), 'base64');
        if (!verify(null, Buffer.concat([body, Buffer.from(timestamp)]), key, signature)) return void res.writeHead(401).end();
        const events = SendEventRequest.decode(body).events;
        res.writeHead(204).end();
        received += events.filter((e) => e.eventType !== EventType.EVENT_TYPE_PING).length;
      });
    });
    const url = await listen(server);
    try {
      return await deliverAll(url, () => received);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  },
  async subject() {
    let received = 0;
    let resolveUrl: (url: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => (resolveUrl = resolve));
    const subscription = mixi2Webhook({ publicKey: sender.publicKey, host: '127.0.0.1', port: 0, onListening: resolveUrl, dedupe: { capacity: 100_000 } }).subscribe(() => {
      received += 1;
    });
    try {
      return await deliverAll(new URL(await ready), () => received);
    } finally {
      subscription.unsubscribe();
    }
  },
  note: (baseline, subject) => `${DELIVERIES} signed deliveries × ${EVENTS_PER_DELIVERY} events, ${DELIVERY_CONCURRENCY} in flight; streamrx ${Math.round(subject).toLocaleString('en-US')} verified events/s (hand-written ${Math.round(baseline).toLocaleString('en-US')})`,
};

export default [eventsComparison, ...unaryComparisons, webhookComparison, uploadComparison];
