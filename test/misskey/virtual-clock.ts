import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { until } from './helpers.js';

/**
 * Virtual time for tests that also do real I/O: the scheduler's clock moves only when `busy()` says no
 * call is on the wire, and then straight to the next scheduled action, so waits of minutes take no real
 * time while every request still travels over a real socket.
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  readonly now = (): number => this.scheduler.now();

  /** Runs until `done()`: waits (in real time) for `busy()` to turn false, then advances to the next action. */
  async runUntil(done: () => boolean, busy: () => boolean): Promise<void> {
    while (!done()) {
      await until(() => done() || !busy(), 'the calls on the wire to be answered');
      if (done()) return;
      const next = this.scheduler.actions[0];
      if (next === undefined) throw new Error(`stuck at ${this.now()} ms: nothing scheduled, nothing on the wire`);
      this.scheduler.maxFrames = next.delay;
      this.scheduler.flush();
    }
  }
}

/** A `fetch` for the client that counts the requests whose answer has not been read yet. */
export function countingFetch(): { fetch: never; onTheWire: () => number } {
  let open = 0;
  const fetch = async (url: string, init: RequestInit) => {
    open += 1;
    try {
      const res = await globalThis.fetch(url, init);
      const text = await res.text();
      return { status: res.status, headers: res.headers, text: async () => text };
    } finally {
      open -= 1;
    }
  };
  return { fetch: fetch as never, onTheWire: () => open };
}
