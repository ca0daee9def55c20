// Trace context through the fan-out envelope: version 2 carries the ingest's traceparent, version 1 stays as
// it was, and a worker's span links to the publishing span across the Momento emulator.
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { firstValueFrom, from, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, ProtocolError } from '../../src/core/errors.js';
import { decodeFanOutEnvelope, encodeFanOutEnvelope, FAN_OUT_ENVELOPE_VERSION, FAN_OUT_TRACED_ENVELOPE_VERSION, fanOutTo, fromFanOut, jsonCodec } from '../../src/momento/index.js';
import { linkToTraceParent, traceParentOf } from '../../src/telemetry/index.js';
import { MomentoTestBed } from '../momento/harness.js';

const traceParent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const payload = new TextEncoder().encode('{"id":"n1"}');

describe('fan-out envelope trace context', () => {
  it('writes version 1, byte for byte as before, without a traceparent, and version 2 with one', () => {
    const plain = encodeFanOutEnvelope({ key: 'n1', codec: 2, payload });
    expect([...plain.subarray(0, 6)]).toEqual([FAN_OUT_ENVELOPE_VERSION, 2, 0, 2, 0x6e, 0x31]);
    expect(decodeFanOutEnvelope(plain)).toEqual({ key: 'n1', codec: 2, payload });

    const traced = encodeFanOutEnvelope({ key: 'n1', codec: 2, payload, traceParent });
    expect(traced[0]).toBe(FAN_OUT_TRACED_ENVELOPE_VERSION);
    expect(traced.length).toBe(plain.length + 1 + traceParent.length);
    expect(decodeFanOutEnvelope(traced)).toEqual({ key: 'n1', codec: 2, payload, traceParent });
  });

  it('refuses a malformed traceparent when writing and a truncated one when reading', () => {
    expect(() => encodeFanOutEnvelope({ key: 'n1', codec: 2, payload, traceParent: 'Bearer secret' })).toThrow(InvalidArgumentError);
    const traced = encodeFanOutEnvelope({ key: 'n1', codec: 2, payload: new Uint8Array(0), traceParent });
    expect(() => decodeFanOutEnvelope(traced.subarray(0, traced.length - 10))).toThrow(ProtocolError);
  });

  it('turns a span into a traceparent and a traceparent into a span link, and nothing into nothing', () => {
    const tracer = new BasicTracerProvider().getTracer('test');
    const span = tracer.startSpan('ingest');
    const { traceId, spanId } = span.spanContext();
    expect(traceParentOf(trace.setSpan(ROOT_CONTEXT, span))).toBe(`00-${traceId}-${spanId}-01`);
    expect(traceParentOf(ROOT_CONTEXT)).toBeUndefined();
    expect(linkToTraceParent(traceParent)?.context).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', isRemote: true });
    expect(linkToTraceParent(undefined)).toBeUndefined();
    expect(linkToTraceParent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeUndefined();
  });

  describe('across the Momento emulator', () => {
    const bed = new MomentoTestBed();
    afterEach(() => bed.cleanup());

    it("links a worker's span to the ingest span that published the message", async () => {
      const exporter = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer('test');
      const emulator = await bed.emulator();
      const client = bed.client(emulator);
      const codec = jsonCodec((note: { id: string }) => note.id);
      const received = firstValueFrom(fromFanOut(client, 'cache', 'notes', { codec }).pipe(take(2), toArray()));
      await emulator.waitFor(() => emulator.stats().openStreams === 1);

      const ingest = tracer.startSpan('ingest n1');
      const traced = (note: { id: string }) => (note.id === 'n1' ? traceParentOf(trace.setSpan(ROOT_CONTEXT, ingest)) : undefined);
      await lastValueFrom(from([{ id: 'n1' }, { id: 'n2' }]).pipe(fanOutTo(client, 'cache', 'notes', { codec, traceParent: traced }), toArray()));
      ingest.end();

      const [first, second] = await received;
      expect(second?.traceParent).toBeUndefined();
      const link = linkToTraceParent(first?.traceParent);
      tracer.startSpan('handle n1', { links: link ? [link] : [] }).end();
      const worker = exporter.getFinishedSpans().find((span) => span.name === 'handle n1');
      expect(worker?.links[0]?.context).toMatchObject({ traceId: ingest.spanContext().traceId, spanId: ingest.spanContext().spanId });
    });
  });
});
