import { MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import type { Telemetry, TelemetrySource } from '../src/index.js';
import { otelTelemetry } from '../src/telemetry/index.js';
import type { RecipeCounters } from './meter.js';

/** The counters of one source that the collected metrics provide; a counter without its metric is absent. */
export type MeteredCounts = Partial<Pick<RecipeCounters, 'in' | 'reconnects' | 'gaps'>>;

/** Per source, the counters read from one collection. */
export type CollectedCounts = Partial<Record<TelemetrySource, MeteredCounts>>;

/**
 * The metric behind each status-line counter. Misskey's `gaps` is left to the link (an incomplete gap-fill),
 * since `streamrx.gaps` also counts the re-acknowledged channels whose gap-fill recovered everything.
 */
const counterMetrics: ReadonlyArray<{ counter: keyof MeteredCounts; metric: string; sources: readonly TelemetrySource[] }> = [
  { counter: 'in', metric: 'streamrx.events.delivered', sources: ['mixi2', 'misskey', 'momento'] },
  { counter: 'reconnects', metric: 'streamrx.reconnects', sources: ['mixi2', 'misskey', 'momento'] },
  { counter: 'gaps', metric: 'streamrx.gaps', sources: ['mixi2', 'momento'] },
];

/**
 * A metric reader collected on demand, in process: what a periodic exporter would read, without exporting it.
 *
 * @example
 * ```ts
 * const reader = new InProcessReader();
 * const provider = new MeterProvider({ readers: [reader] });
 * const { resourceMetrics } = await reader.collect();
 * ```
 */
export class InProcessReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * One OpenTelemetry MeterProvider for the clients of a run, read in process: the status line shows the
 * metrics a user's dashboard would show.
 *
 * @example
 * ```ts
 * const metrics = new SourceMetrics();
 * const client = misskey({ origin, token, telemetry: metrics.telemetry });
 * (await metrics.collect()).misskey?.in; // events delivered so far
 * ```
 */
export class SourceMetrics {
  private readonly reader = new InProcessReader();
  private readonly provider = new MeterProvider({ readers: [this.reader] });
  /** The telemetry to give every client of the run. */
  readonly telemetry: Telemetry = otelTelemetry({ meterProvider: this.provider });

  /** Collects the metrics now and sums each counter's points per source. */
  async collect(): Promise<CollectedCounts> {
    const { resourceMetrics } = await this.reader.collect();
    const metrics = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const counts: CollectedCounts = {};
    for (const { counter, metric, sources } of counterMetrics) {
      const points = (metrics.find((m) => m.descriptor.name === metric)?.dataPoints ?? []) as Array<DataPoint<number>>;
      for (const source of sources) {
        const total = points.filter((point) => point.attributes['streamrx.source'] === source).reduce((sum, point) => sum + point.value, 0);
        counts[source] = { ...counts[source], [counter]: total };
      }
    }
    return counts;
  }

  /** Stops the provider. */
  async close(): Promise<void> {
    await this.provider.shutdown();
  }
}
