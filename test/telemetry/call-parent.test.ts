// A call's span is a child of the span active when the call was subscribed (the span handling the event
// that caused it), through otelTelemetry's callStarted.
import { firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { context, ROOT_CONTEXT, trace, TraceFlags, type Context, type ContextManager } from '@opentelemetry/api';
import { Rig } from '../misskey/helpers.js';
import { otelHarness } from './otel-harness.js';

/** A context manager for synchronous code only (what `context.with` needs here), like the web SDK's stack manager. */
class SynchronousContextManager implements ContextManager {
  private current: Context = ROOT_CONTEXT;
  active(): Context {
    return this.current;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const previous = this.current;
    this.current = ctx;
    try {
      return fn.call(thisArg, ...args);
    } finally {
      this.current = previous;
    }
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.current = ROOT_CONTEXT;
    return this;
  }
}

const rig = new Rig();
afterEach(async () => {
  context.disable();
  await rig.dispose();
});

describe('the span of a call', () => {
  it('is a child of the span active when the call was subscribed, and a root without one', async () => {
    context.setGlobalContextManager(new SynchronousContextManager());
    const otel = otelHarness();
    const emulator = await rig.emulator();
    const client = rig.client(emulator, { telemetry: otel.telemetry });
    const handling = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED });
    const reply = context.with(trace.setSpan(context.active(), handling), () => firstValueFrom(client.api('notes/create', { text: 'caused by an event' })));
    await reply;
    await firstValueFrom(client.api('notes/create', { text: 'caused by nothing' }));

    const [caused, uncaused] = otel.spans().filter((span) => span.name === 'POST /api/notes/create');
    expect(caused?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(caused?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(uncaused?.parentSpanContext).toBeUndefined();
    expect(uncaused?.spanContext().traceId).not.toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
