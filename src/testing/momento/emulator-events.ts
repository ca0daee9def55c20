import { Observable } from 'rxjs';
import { waitForCondition, type ChangeSource } from '../wait-for-condition.js';

/**
 * Something that happened inside the Momento emulator, for tests to await.
 *
 * @example
 * ```ts
 * emulator.events$.pipe(filter((e) => e.type === 'stream-closed')).subscribe(console.log);
 * ```
 */
export type MomentoEmulatorEvent =
  | {
      /** A subscribe call was accepted and its stream opened. */
      type: 'subscribe';
      /** The emulator's id of the new stream. */
      streamId: number;
      /** The cache of the subscription. */
      cacheName: string;
      /** The topic of the subscription. */
      topic: string;
      /** The sequence number the client asked to resume at (0: from now). */
      resumeAtSequenceNumber: number;
      /** The sequence page the client asked to resume in. */
      sequencePage: number;
    }
  | {
      /** A subscriber stream is gone. */
      type: 'stream-closed';
      /** The emulator's id of the stream. */
      streamId: number;
      /** `cancelled`: by the client or the connection; `ended`: by the test (`endStreams`); `emulator-closed`: the emulator closed. */
      reason: 'cancelled' | 'ended' | 'emulator-closed';
    }
  | {
      /** An item was published. */
      type: 'publish';
      /** The cache it was published to. */
      cacheName: string;
      /** The topic it was published to. */
      topic: string;
      /** The sequence number it was given. */
      sequenceNumber: number;
    }
  | {
      /** A call was refused (scripted failure or invalid request). */
      type: 'refused';
      /** The refused RPC, e.g. `publish` or `subscribe`. */
      rpc: string;
      /** The gRPC status code the call failed with. */
      code: number;
    }
  | {
      /** A TCP connection opened or closed. */
      type: 'connection';
      /** How many connections are open now. */
      open: number;
    };

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

  /** Resolves once `condition()` holds, checking now and after each event (see {@link waitForCondition}). */
  waitFor(condition: () => boolean, description: string, timeoutMs: number): Promise<void> {
    const changes: ChangeSource = (check) => {
      this.listeners.add(check);
      return () => this.listeners.delete(check);
    };
    return waitForCondition(condition, { changes, description, timeoutMs, emulator: 'momento' });
  }
}
