/**
 * Recipe 10 — Prometheus metrics of a bot: the client's telemetry goes through `otelTelemetry()` into an
 * OpenTelemetry MeterProvider whose reader is `@opentelemetry/exporter-prometheus`, served at `/metrics`
 * for a Prometheus server to scrape (names as Prometheus writes them: `streamrx_events_received_total`,
 * `http_client_request_duration_bucket`, …). The guide `docs/guides/observability.md` lists them and
 * the alerts worth setting.
 *
 * Run: `eval "$(npx streamrx emulate --misskey --print-env)"`, then `npx tsx recipes/prometheus-metrics.ts`
 * and `curl http://127.0.0.1:9464/metrics`.
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Telemetry } from '../src/index.js';
import { misskeyFromEnv } from '../src/misskey/index.js';
import { otelTelemetry } from '../src/telemetry/index.js';
import { isMain } from './is-main.js';

/**
 * Options of {@link prometheusMetrics}.
 *
 * @example
 * ```ts
 * const options: PrometheusMetricsOptions = { host: '0.0.0.0', port: 9464 };
 * ```
 */
export interface PrometheusMetricsOptions {
  /** Interface to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 9464 (the exporter's customary port) */
  port?: number;
}

/**
 * A `/metrics` endpoint and the telemetry that feeds it.
 *
 * @example
 * ```ts
 * const { telemetry, url, close } = await prometheusMetrics();
 * ```
 */
export interface PrometheusMetrics {
  /** Pass it as the `telemetry` option of the clients. */
  readonly telemetry: Telemetry;
  /** The scrape URL. */
  readonly url: string;
  /** Stops the endpoint and the meter provider. */
  close(): Promise<void>;
}

/**
 * Serves the metrics of every client given `telemetry` at `http://host:port/metrics`.
 *
 * @example
 * ```ts
 * const metrics = await prometheusMetrics({ port: 0 });
 * const client = misskey({ origin, token, telemetry: metrics.telemetry });
 * console.log(`scrape ${metrics.url}`);
 * ```
 */
export async function prometheusMetrics(options: PrometheusMetricsOptions = {}): Promise<PrometheusMetrics> {
  const { host = '127.0.0.1', port = 9464 } = options;
  // The exporter's own server cannot tell the port it picked; ours can, and hands it the requests.
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const server: Server = createServer((request, response) => {
    if (request.method === 'GET' && request.url?.split('?')[0] === '/metrics') exporter.getMetricsRequestHandler(request, response);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    telemetry: otelTelemetry({ meterProvider }),
    url: `http://${host}:${address.port}/metrics`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await meterProvider.shutdown();
    },
  };
}

async function main(): Promise<void> {
  const metrics = await prometheusMetrics({ port: Number(process.env['METRICS_PORT'] ?? 9464) });
  const client = misskeyFromEnv({ telemetry: metrics.telemetry });
  const subscription = client.channel('localTimeline').subscribe();
  console.log(`metrics at ${metrics.url}; Ctrl-C to stop`);
  process.once('SIGINT', () => {
    subscription.unsubscribe();
    void metrics.close();
  });
}

if (isMain(import.meta.url)) void main();
