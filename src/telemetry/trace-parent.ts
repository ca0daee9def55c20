import { context as otelContext, isSpanContextValid, trace, TraceFlags, type Context, type Link } from '@opentelemetry/api';

const TRACE_PARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C `traceparent` of the span in `context` (the active one by default), for `fanOutTo`'s
 * `traceParent` option; `undefined` when there is no valid span (no TracerProvider, or outside any span).
 *
 * @example
 * ```ts
 * events$.pipe(fanOutTo(topics, 'cache', 'events', { codec: mixi2EventCodec, traceParent: () => traceParentOf() }));
 * ```
 */
export function traceParentOf(context: Context = otelContext.active()): string | undefined {
  const spanContext = trace.getSpanContext(context);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/**
 * A span link to the publisher of a fan-out message (its `traceParent`), for the worker span that handles
 * it; `undefined` for an absent or malformed traceparent.
 *
 * @example
 * ```ts
 * fromFanOut(topics, 'cache', 'events', { codec: mixi2EventCodec }).subscribe((message) => {
 *   const link = linkToTraceParent(message.traceParent);
 *   tracer.startActiveSpan('handle event', { links: link ? [link] : [] }, (span) => { handle(message.value); span.end(); });
 * });
 * ```
 */
export function linkToTraceParent(traceParent: string | undefined): Link | undefined {
  const match = traceParent === undefined ? null : TRACE_PARENT.exec(traceParent);
  if (!match) return undefined;
  const [, traceId = '', spanId = '', flags = '00'] = match;
  const spanContext = { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}
