import { MetricReader } from '@opentelemetry/sdk-metrics';

/** A reader that is never collected: the SDK aggregates every recording, as under a periodic exporter. */
export class HeldMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}
