import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelRejectedError, ConnectionLostError } from '../../src/core/errors.js';
import { misskey, type MisskeyOptions, type WebSocketLike } from '../../src/misskey/index.js';

/** A `ws`-shaped socket driven by the test, so the client's timers can run on fake time. */
class FakeSocket implements WebSocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  terminated = false;
  private readonly listeners = new Map<string, Array<(...args: never[]) => void>>();

  constructor(readonly url: string) {
    FakeSocket.instances.push(this);
  }

  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = 3;
  }

  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }

  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => void)(...args);
  }

  open(): void {
    this.readyState = 1;
    this.emit('open');
  }

  receive(frame: unknown): void {
    this.emit('message', Buffer.from(JSON.stringify(frame)), false);
  }

  drop(): void {
    this.readyState = 3;
    this.emit('close', 1006);
  }

  frames(): Array<{ type: string; body?: { id?: string } }> {
    return this.sent.filter((s) => s !== 'h').map((s) => JSON.parse(s) as { type: string });
  }
}

const client = (options: Partial<MisskeyOptions> = {}) =>
  misskey({ origin: 'https://misskey.example', token: 'tok', WebSocket: FakeSocket, reconnect: { initialDelay: 1000, multiplier: 2, maxDelay: 30_000, jitter: 0 }, ...options });
const latest = (): FakeSocket => FakeSocket.instances.at(-1) as FakeSocket;

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.instances = [];
});
afterEach(() => {
  vi.useRealTimers();
});

describe('timing defaults (fake time, injected WebSocket)', () => {
  it('opens ws(s)://…/streaming?i=<token> and waits 10 s for connected before ChannelRejectedError', () => {
    const errors: unknown[] = [];
    const sub = client().channel('homeTimeline').subscribe({ error: (e) => errors.push(e) });
    expect(latest().url).toBe('wss://misskey.example/streaming?i=tok');
    latest().open();
    const [connect] = latest().frames();
    expect(connect).toEqual({ type: 'connect', body: { channel: 'homeTimeline', id: '1', pong: true } });
    vi.advanceTimersByTime(9_999);
    expect(errors).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(errors[0]).toBeInstanceOf(ChannelRejectedError);
    expect(errors[0]).toMatchObject({ channel: 'homeTimeline', waitedMs: 10_000 });
    expect(latest().frames().at(-1)).toEqual({ type: 'disconnect', body: { id: '1' } });
    sub.unsubscribe();
  });

  it('sends h every 60 s, stays on a socket that answers pings, and closes 2 s after the last unsubscribe', () => {
    const sub = client().channel('localTimeline').subscribe();
    latest().open();
    latest().receive({ type: 'connected', body: { id: '1' } });
    for (let minute = 0; minute < 5; minute++) {
      vi.advanceTimersByTime(60_000);
      latest().emit('ping');
    }
    expect(latest().sent.filter((s) => s === 'h')).toHaveLength(5);
    expect(FakeSocket.instances).toHaveLength(1);
    sub.unsubscribe();
    vi.advanceTimersByTime(1_999);
    expect(latest().readyState).toBe(1);
    vi.advanceTimersByTime(1);
    expect(latest().readyState).toBe(3);
  });

  it('replaces a socket silent for longer than the 150 s watchdog, then reconnects after the backoff', () => {
    const sub = client().channel('localTimeline').subscribe();
    latest().open();
    latest().receive({ type: 'connected', body: { id: '1' } });
    vi.advanceTimersByTime(149_000);
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(40_000);
    expect(FakeSocket.instances[0]?.terminated).toBe(true);
    expect(FakeSocket.instances).toHaveLength(2);
    latest().open();
    expect(latest().frames()[0]).toEqual({ type: 'connect', body: { channel: 'localTimeline', id: '2', pong: true } });
    sub.unsubscribe();
  });

  it('backs off 1 s, 2 s, 4 s between failed attempts and refills the budget after a good connection', () => {
    const states: string[] = [];
    const c = client();
    c.state$.subscribe((s) => states.push(s));
    const sub = c.channel('localTimeline').subscribe();
    latest().open();
    latest().drop();
    expect(FakeSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(2);
    latest().drop();
    vi.advanceTimersByTime(1999);
    expect(FakeSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    latest().drop();
    vi.advanceTimersByTime(4000);
    expect(FakeSocket.instances).toHaveLength(4);
    latest().open();
    latest().drop();
    vi.advanceTimersByTime(1000);
    expect(FakeSocket.instances).toHaveLength(5);
    expect(states).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'open', 'reconnecting']);
    sub.unsubscribe();
  });

  it('fails stream API requests pending at a drop with ConnectionLostError (legacy protocol)', () => {
    const errors: unknown[] = [];
    const legacy = client({ protocol: 'legacy', apiTransport: 'stream' });
    const keep = legacy.broadcasts().subscribe();
    latest().open();
    legacy.api('i').subscribe({ error: (e) => errors.push(e) });
    expect(latest().frames()).toEqual([{ type: 'api', id: '1', endpoint: 'i', data: {} }]);
    latest().drop();
    expect(errors[0]).toBeInstanceOf(ConnectionLostError);
    vi.advanceTimersByTime(1000);
    latest().open();
    expect(latest().frames()).toEqual([]);
    keep.unsubscribe();
  });
});
