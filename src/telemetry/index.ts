/**
 * streamrx telemetry: the OpenTelemetry adapter of the {@link streamrx!Telemetry} seam. Needs the optional
 * peer dependency `@opentelemetry/api`; the other entry points never load it.
 *
 * @example
 * ```ts
 * import { otelTelemetry } from 'streamrx/telemetry';
 * const client = misskey({ origin, token, telemetry: otelTelemetry() });
 * ```
 * @module streamrx/telemetry
 */
export { otelTelemetry, type OtelTelemetryOptions } from './otel-telemetry.js';
export { traceParentOf, linkToTraceParent } from './trace-parent.js';
