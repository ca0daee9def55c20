import { Observable } from 'rxjs';

/**
 * Something that happened inside the Momento emulator, for tests to await.
 *
 * @example
 * ```ts
 * emulator.events$.pipe(filter((e) => e.type === 'stream-closed')).subscribe(console.log);
 * ```
 */
export type MomentoEmulatorEvent =
  | { type: 'subscribe'; streamId: number; cacheName: string; topic: string; resumeAtSequenceNumber: number; sequencePage: number }
  | { type: 'stream-closed'; streamId: number; reason: 'cancelled' | 'ended' | 'emulator-closed' }
  | { type: 'publish'; cacheName: string; topic: string; sequenceNumber: number }
  | { type: 'refused'; rpc: string; code: number }
  | { type: 'connection'; open: number };

/** A tiny event hub with a condition waiter, shared by the emulated services. */
export class EmulatorEvents {
  private readonly listeners = new Set<(event: MomentoEmulatorEvent) => void>();

  /** Tells every listener. */
  emit(event: MomentoEmulatorEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** The events as a hot Observable (nothing is replayed). */
  readonly events$ = new Observable<MomentoEmulatorEvent>((subscriber) => {
    const listener = (event: MomentoEmulatorEvent): void => subscriber.next(event);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  });

  /**
   * Resolves once `condition()` holds, checking now and after each event; rejects after `timeoutMs` with
   * `description` so a broken expectation fails fast and says what was awaited.
   */
  waitFor(condition: () => boolean, description: string, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      const check = (): void => {
        if (!condition()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`momento emulator: timed out after ${timeoutMs} ms waiting for ${description}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }
}
