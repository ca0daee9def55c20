import { EventEmitter } from 'node:events';
import { status, type ClientReadableStream } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLostError } from '../../src/core/errors.js';
import type { ConnectionState } from '../../src/core/connection-state.js';
import type { Mixi2Gap, SubscribeEventsResponse } from '../../src/mixi2/index.js';
import { eventStream } from '../../src/mixi2/event-stream.js';
import { buildPingEvent, buildPostCreatedEvent } from '../../src/testing/mixi2/index.js';
import { fastPolicy, until } from './harness.js';

type FakeCall = EventEmitter & { cancel(): void; cancelled: boolean };

function fakeServer() {
  const calls: FakeCall[] = [];
  const states: ConnectionState[] = [];
  const gaps: Mixi2Gap[] = [];
  const context = {
    auth: { token: async () => 'token' },
    authKey: undefined,
    open: () => {
      const call = Object.assign(new EventEmitter(), {
        cancelled: false,
        cancel() {
          call.cancelled = true;
        },
      }) as FakeCall;
      calls.push(call);
      return call as unknown as ClientReadableStream<SubscribeEventsResponse>;
    },
    setState: (s: ConnectionState) => states.push(s),
    reportGap: (g: Mixi2Gap) => gaps.push(g),
  };
  const fail = (call: FakeCall | undefined, code = status.UNAVAILABLE): void => {
    call?.emit('error', Object.assign(new Error('down'), { code, details: 'down', metadata: undefined }));
    call?.emit('end');
  };
  return { calls, states, gaps, context, fail };
}

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('eventStream (fake calls, deterministic)', () => {
  it('a reconnected stream that only pings refills the retry budget', async () => {
    const server = fakeServer();
    const errors: unknown[] = [];
    const subscription = eventStream(server.context, { reconnect: fastPolicy, idleTimeout: Infinity }).subscribe({ error: (e) => errors.push(e) });
    cleanup = () => subscription.unsubscribe();
    for (let drop = 1; drop <= 6; drop++) {
      await until(() => server.calls.length === drop, `call ${drop}`);
      const call = server.calls.at(-1);
      call?.emit('metadata');
      call?.emit('data', { events: [buildPingEvent()] });
      server.fail(call);
    }
    await until(() => server.calls.length === 7, 'seventh call');
    expect(errors).toEqual([]);
    expect(server.gaps.map((g) => g.attempt)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('a stream that never delivers does not refill it: the fourth failure is terminal', async () => {
    const server = fakeServer();
    const errors: unknown[] = [];
    const subscription = eventStream(server.context, { reconnect: fastPolicy, idleTimeout: Infinity }).subscribe({ error: (e) => errors.push(e) });
    cleanup = () => subscription.unsubscribe();
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(() => server.calls.length === attempt, `call ${attempt}`);
      server.calls.at(-1)?.emit('metadata');
      server.fail(server.calls.at(-1));
    }
    await until(() => errors.length === 1, 'terminal error');
    expect(errors[0]).toBeInstanceOf(ConnectionLostError);
    expect(server.calls).toHaveLength(4);
    expect(server.states.at(-1)).toBe('closed');
  });

  it('reports the last delivered event id with the gap and cancels the call on unsubscribe', async () => {
    const server = fakeServer();
    const got: string[] = [];
    const subscription = eventStream(server.context, { reconnect: fastPolicy, idleTimeout: Infinity }).subscribe((e) => got.push(e.eventId));
    cleanup = () => subscription.unsubscribe();
    await until(() => server.calls.length === 1);
    server.calls[0]?.emit('data', { events: [buildPostCreatedEvent({}, { eventId: 'a' }), buildPingEvent(), buildPostCreatedEvent({}, { eventId: 'b' })] });
    server.fail(server.calls[0]);
    await until(() => server.calls.length === 2);
    expect(got).toEqual(['a', 'b']);
    expect(server.gaps[0]).toMatchObject({ attempt: 1, lastEventId: 'b' });
    subscription.unsubscribe();
    expect(server.calls[1]?.cancelled).toBe(true);
  });

  it('by default waits 1 s, 2 s, 4 s between attempts and gives up after 3 retries (virtual time)', async () => {
    vi.useFakeTimers();
    const server = fakeServer();
    const errors: unknown[] = [];
    const delays: number[] = [];
    const subscription = eventStream(server.context, { idleTimeout: Infinity, reconnect: { onRetry: ({ delay }) => delays.push(delay) } }).subscribe({
      error: (e) => errors.push(e),
    });
    cleanup = () => {
      subscription.unsubscribe();
      vi.useRealTimers();
    };
    await vi.advanceTimersByTimeAsync(0);
    for (const [attempt, wait] of [[1, 1000], [2, 2000], [3, 4000]] as const) {
      expect(server.calls).toHaveLength(attempt);
      server.fail(server.calls.at(-1));
      await vi.advanceTimersByTimeAsync(wait - 1);
      expect(server.calls).toHaveLength(attempt);
      await vi.advanceTimersByTimeAsync(1);
    }
    expect(server.calls).toHaveLength(4);
    server.fail(server.calls.at(-1));
    await vi.advanceTimersByTimeAsync(0);
    expect(delays).toEqual([1000, 2000, 4000]);
    expect(errors).toHaveLength(1);
  });
});
