import {
  context,
  metrics,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Counter,
  type Histogram,
  type Meter,
  type MeterProvider,
  type TracerProvider,
  type UpDownCounter,
} from '@opentelemetry/api';
import type { ConnectionState } from '../core/connection-state.js';
import type { CallReport, GapFillReport, Telemetry, TelemetrySource, WebhookDeliveryReport } from './telemetry.js';

/**
 * Options of {@link otelTelemetry}.
 *
 * @example
 * ```ts
 * const options: OtelTelemetryOptions = { meterProvider, tracerProvider };
 * ```
 */
export interface OtelTelemetryOptions {
  /** Where the metrics go. @default the global MeterProvider of `@opentelemetry/api` (a no-op until one is registered) */
  meterProvider?: MeterProvider;
  /** Where the spans go. @default the global TracerProvider of `@opentelemetry/api` (a no-op until one is registered) */
  tracerProvider?: TracerProvider;
}

const SCOPE = 'streamrx';
/** Seconds buckets of the call and delivery durations (the semantic conventions' HTTP advice). */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The instruments, created once per adapter. */
interface Instruments {
  connections: UpDownCounter;
  reconnects: Counter;
  gaps: Counter;
  recovered: Counter;
  rpcDuration: Histogram;
  httpClientDuration: Histogram;
  messagingDuration: Histogram;
  rateLimitWaits: Histogram;
  webhookDeliveries: Counter;
  httpServerDuration: Histogram;
  rateLimitQueued: UpDownCounter;
  retries: Counter;
  framesSkipped: Counter;
  outboundDropped: Counter;
}

function instruments(meter: Meter): Instruments {
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: SECONDS_BUCKETS } });
  return {
    connections: meter.createUpDownCounter('streamrx.connections', { unit: '{connection}', description: 'Connections by state (connecting, open, reconnecting)' }),
    reconnects: meter.createCounter('streamrx.reconnects', { unit: '{reconnect}', description: 'Reconnects after a lost connection' }),
    gaps: meter.createCounter('streamrx.gaps', { unit: '{gap}', description: 'Stretches during which events may have been missed' }),
    recovered: meter.createCounter('streamrx.gap_fill.recovered', { unit: '{note}', description: 'Notes recovered by gap-fill' }),
    rpcDuration: seconds('rpc.client.call.duration', 'Duration of mixi2 RPCs as the caller saw them'),
    httpClientDuration: seconds('http.client.request.duration', 'Duration of Misskey API calls as the caller saw them'),
    messagingDuration: seconds('messaging.client.operation.duration', 'Duration of Momento publishes'),
    rateLimitWaits: seconds('streamrx.rate_limit.wait.duration', "Time calls waited for the client's rate governor"),
    webhookDeliveries: meter.createCounter('streamrx.webhook.deliveries', { unit: '{delivery}', description: 'mixi2 webhook deliveries by outcome' }),
    httpServerDuration: seconds('http.server.request.duration', 'Duration of mixi2 webhook deliveries until answered'),
    rateLimitQueued: meter.createUpDownCounter('streamrx.rate_limit.queued', { unit: '{call}', description: "Calls waiting for the client's rate governor" }),
    retries: meter.createCounter('streamrx.retries', { unit: '{retry}', description: 'Failed call attempts tried again, by reason' }),
    framesSkipped: meter.createCounter('streamrx.frames.skipped', { unit: '{frame}', description: 'Frames skipped by reason (malformed, unknown)' }),
    outboundDropped: meter.createCounter('streamrx.outbound.dropped', { unit: '{message}', description: 'Outbound messages dropped from a full queue while disconnected' }),
  };
}

/**
 * A {@link streamrx!Telemetry} that records OpenTelemetry metrics and spans through `@opentelemetry/api`
 * (an optional peer dependency: install it to use this entry point). Metrics follow the semantic
 * conventions where one exists (`rpc.client.call.duration`, `http.client.request.duration`,
 * `messaging.client.operation.duration`, `http.server.request.duration`, in seconds) and are named
 * `streamrx.*` otherwise; every one carries `streamrx.source`. Spans: one per API call, upload (its calls
 * are in the duration histograms, the upload as a whole only a span), publish,
 * gap-fill and webhook delivery. No attribute ever holds a token, a signature, a URL or an error message.
 *
 * @example
 * ```ts
 * import { otelTelemetry } from 'streamrx/telemetry';
 * const telemetry = otelTelemetry(); // the global providers, e.g. registered by @opentelemetry/sdk-node
 * const client = misskey({ origin, token, telemetry });
 * topicEvents(topics, 'cache', 'topic', { telemetry }).subscribe();
 * ```
 */
export function otelTelemetry(options: OtelTelemetryOptions = {}): Telemetry {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const meters = instruments(meter);
  const received = eventTotals(meter, 'streamrx.events.received', 'Messages received from the service, pings and duplicates included');
  observeSilence(meter, received);
  const delivered = eventTotals(meter, 'streamrx.events.delivered', 'Events emitted to subscribers');
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const sourceAttributes: Record<TelemetrySource, Attributes> = {
    mixi2: { 'streamrx.source': 'mixi2' },
    misskey: { 'streamrx.source': 'misskey' },
    momento: { 'streamrx.source': 'momento' },
  };
  const stateAttributes = (source: TelemetrySource, state: ConnectionState): Attributes => ({ 'streamrx.source': source, 'streamrx.connection.state': state });

  const span = (name: string, kind: SpanKind, attributes: Attributes, startTime: number, durationMs: number, failed: boolean, parent?: Context): void => {
    const started = tracer.startSpan(name, { kind, attributes, startTime }, parent);
    if (failed) started.setStatus({ code: SpanStatusCode.ERROR });
    started.end(startTime + durationMs);
  };

  return {
    eventsReceived: (source, count) => {
      received[source] += count;
    },
    eventsDelivered: (source, count) => {
      delivered[source] += count;
    },
    connectionChanged: (source, from, to) => {
      if (from !== 'closed') meters.connections.add(-1, stateAttributes(source, from));
      if (to !== 'closed') meters.connections.add(1, stateAttributes(source, to));
      if (to === 'reconnecting') meters.reconnects.add(1, sourceAttributes[source]);
    },
    gapReported: (source) => meters.gaps.add(1, sourceAttributes[source]),
    gapFilled: (report) => {
      const attributes = gapFillAttributes(report);
      meters.recovered.add(report.recovered, attributes);
      span(`gap-fill ${report.channel}`, SpanKind.INTERNAL, { ...attributes, 'streamrx.gap_fill.recovered': report.recovered }, report.startTime, report.durationMs, false);
    },
    callFinished: (report) => {
      const { histogram, attributes, name, kind } = callShape(meters, report);
      // An upload's calls are recorded one by one; the upload as a whole is only a span.
      if (report.kind === 'call') histogram.record(report.durationMs / 1000, attributes);
      span(name, kind, attributes, report.startTime, report.durationMs, report.outcome !== 'ok', report.startContext as Context | undefined);
    },
    rateLimitWaited: (source, operation, waitedMs) =>
      meters.rateLimitWaits.record(waitedMs / 1000, { 'streamrx.source': source, 'streamrx.operation': operation }),
    webhookDelivery: (report) => {
      const attributes = webhookAttributes(report);
      meters.webhookDeliveries.add(1, { 'streamrx.source': 'mixi2', 'streamrx.webhook.outcome': report.outcome });
      meters.httpServerDuration.record(report.durationMs / 1000, attributes);
      span('POST', SpanKind.SERVER, { ...attributes, 'streamrx.webhook.events': report.events }, report.startTime, report.durationMs, report.status >= 500);
    },
    rateLimitQueueChanged: (source, change) => meters.rateLimitQueued.add(change, sourceAttributes[source]),
    callRetried: (source, operation, reason) =>
      meters.retries.add(1, { 'streamrx.source': source, 'streamrx.operation': operation, 'streamrx.retry.reason': reason }),
    frameSkipped: (source, reason) => meters.framesSkipped.add(1, { 'streamrx.source': source, 'streamrx.frame.skip_reason': reason }),
    outboundDropped: (source) => meters.outboundDropped.add(1, sourceAttributes[source]),
    // The span of a call is made when it ends, as a child of the span active when it was subscribed.
    callStarted: () => context.active(),
  };
}

/**
 * Per-source totals of a counter read at collection time: the per-event path only adds to a number, which a
 * synchronous counter (attributes hashed on every call) would not allow at the events' rate.
 */
function eventTotals(meter: Meter, name: string, description: string): Record<TelemetrySource, number> {
  const totals: Record<TelemetrySource, number> = { mixi2: 0, misskey: 0, momento: 0 };
  meter.createObservableCounter(name, { unit: '{event}', description }).addCallback((result) => {
    for (const source of Object.keys(totals) as TelemetrySource[]) {
      if (totals[source] > 0) result.observe(totals[source], { 'streamrx.source': source });
    }
  });
  return totals;
}

/**
 * `streamrx.events.time_since_last`: seconds since the received count of a source last moved, as seen by the
 * collections (so within one collection interval), for a stalled-stream alert without a clock read per event.
 */
function observeSilence(meter: Meter, received: Readonly<Record<TelemetrySource, number>>): void {
  const seen: Record<TelemetrySource, { total: number; at: number }> = { mixi2: { total: 0, at: 0 }, misskey: { total: 0, at: 0 }, momento: { total: 0, at: 0 } };
  const gauge = meter.createObservableGauge('streamrx.events.time_since_last', { unit: 's', description: 'Time since a message was last received' });
  gauge.addCallback((result) => {
    const now = Date.now();
    for (const source of Object.keys(seen) as TelemetrySource[]) {
      const last = seen[source];
      if (received[source] === 0) continue;
      if (received[source] !== last.total) seen[source] = { total: received[source], at: now };
      result.observe((now - seen[source].at) / 1000, { 'streamrx.source': source });
    }
  });
}

function gapFillAttributes(report: GapFillReport): Attributes {
  return { 'streamrx.source': report.source, 'streamrx.channel': report.channel, 'streamrx.gap_fill.complete': report.complete };
}

function webhookAttributes(report: WebhookDeliveryReport): Attributes {
  return {
    'streamrx.source': 'mixi2',
    'http.request.method': 'POST',
    'http.response.status_code': report.status,
    'streamrx.webhook.outcome': report.outcome,
    ...(report.status >= 500 ? { 'error.type': String(report.status) } : {}),
  };
}

/** The instrument, attributes, span name and kind of a call, after the semantic conventions of its protocol. */
function callShape(meters: Instruments, report: CallReport): { histogram: Histogram; attributes: Attributes; name: string; kind: SpanKind } {
  const common: Attributes = {
    'streamrx.source': report.source,
    'streamrx.operation': report.operation,
    'streamrx.outcome': report.outcome,
    ...(report.errorType === undefined ? {} : { 'error.type': report.errorType }),
  };
  const prefix = report.kind === 'upload' ? 'upload ' : '';
  if (report.source === 'mixi2') {
    const attributes = { ...common, 'rpc.system': 'grpc', 'rpc.service': 'social.mixi.application.service.application_api.v1.ApplicationService', 'rpc.method': report.operation };
    return { histogram: meters.rpcDuration, attributes, name: `${prefix}ApplicationService/${report.operation}`, kind: SpanKind.CLIENT };
  }
  if (report.source === 'misskey') {
    const attributes = { ...common, 'http.request.method': 'POST', 'url.template': `/api/${report.operation}` };
    return { histogram: meters.httpClientDuration, attributes, name: `${prefix}POST /api/${report.operation}`, kind: SpanKind.CLIENT };
  }
  const attributes = {
    ...common,
    'messaging.system': 'momento',
    'messaging.operation.name': report.operation,
    'messaging.operation.type': 'send',
    ...(report.destination === undefined ? {} : { 'messaging.destination.name': report.destination }),
  };
  return { histogram: meters.messagingDuration, attributes, name: `${report.operation} ${report.destination ?? ''}`.trim(), kind: SpanKind.PRODUCER };
}
