// In-memory OpenTelemetry SDK for the telemetry tests: a MeterProvider with a reader collected on demand,
// a TracerProvider exporting to memory, and readers of one metric's value and of the spans by name.
import { MeterProvider, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Attributes } from '@opentelemetry/api';
import { otelTelemetry } from '../../src/telemetry/index.js';
import type { Telemetry } from '../../src/index.js';
import { InProcessReader } from '../../recipes/source-metrics.js';

export interface OtelHarness {
  telemetry: Telemetry;
  /** The sum (counters) or count of recordings (histograms) of `name` over the points whose attributes include `match`. */
  value(name: string, match?: Attributes): Promise<number>;
  /** The histogram points of `name` matching `match`. */
  histogram(name: string, match?: Attributes): Promise<Array<DataPoint<Histogram>>>;
  /** The attributes of every point of every metric (for the no-secrets checks). */
  allAttributes(): Promise<Attributes[]>;
  spans(): ReadableSpan[];
}

const includes = (attributes: Attributes, match: Attributes): boolean => Object.entries(match).every(([key, value]) => attributes[key] === value);

export function otelHarness(): OtelHarness {
  const reader = new InProcessReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const points = async (name: string, match: Attributes): Promise<Array<DataPoint<unknown>>> => {
    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((m) => m.descriptor.name === name);
    return (metric?.dataPoints ?? []).filter((point) => includes(point.attributes, match)) as Array<DataPoint<unknown>>;
  };
  return {
    telemetry: otelTelemetry({ meterProvider, tracerProvider }),
    value: async (name, match = {}) =>
      (await points(name, match)).reduce((sum, point) => sum + (typeof point.value === 'number' ? point.value : (point.value as Histogram).count), 0),
    histogram: async (name, match = {}) => (await points(name, match)) as Array<DataPoint<Histogram>>,
    allAttributes: async () => {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics.flatMap((m) => m.dataPoints.map((p) => p.attributes)));
    },
    spans: () => exporter.getFinishedSpans(),
  };
}
