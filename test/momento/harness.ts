import type { TopicClient } from '@gomomento/sdk';
import { ReplaySubject, firstValueFrom, filter, take, toArray, type Observable, type Subscription } from 'rxjs';
import { emulatorTopicClient, startMomentoEmulator, type EmulatorTopicClientOptions, type MomentoEmulator, type MomentoEmulatorOptions } from '../../src/testing/momento/index.js';

/** Tracks emulators and subscriptions of a test file so `cleanup()` can release and verify them. */
export class MomentoTestBed {
  private readonly emulators: MomentoEmulator[] = [];
  private readonly subscriptions: Subscription[] = [];

  async emulator(options: MomentoEmulatorOptions = {}): Promise<MomentoEmulator> {
    const emulator = await startMomentoEmulator({ heartbeatIntervalMs: 0, waitTimeoutMs: 8000, ...options });
    this.emulators.push(emulator);
    return emulator;
  }

  client(emulator: MomentoEmulator, options: EmulatorTopicClientOptions = {}): TopicClient {
    return emulatorTopicClient(emulator, { resubscribeDelayMs: 5, ...options });
  }

  /** Subscribes, recording every value (and the end) in a ReplaySubject for awaiting. */
  record<T>(source$: Observable<T>): Recording<T> {
    const recording = new Recording<T>();
    this.subscriptions.push(source$.subscribe(recording.subject));
    const subscription = this.subscriptions[this.subscriptions.length - 1]!;
    recording.unsubscribe = () => subscription.unsubscribe();
    return recording;
  }

  /** Unsubscribes everything, checks no stream is left open, closes the emulators. */
  async cleanup(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    const emulators = this.emulators.splice(0);
    try {
      for (const emulator of emulators) await emulator.waitFor(() => emulator.stats().openStreams === 0, 'every stream to be cancelled');
    } finally {
      for (const emulator of emulators) await emulator.close();
    }
  }
}

/** Everything a subscription delivered, awaitable. */
export class Recording<T> {
  readonly subject = new ReplaySubject<T>();
  readonly values: T[] = [];
  error: unknown;
  completed = false;
  unsubscribe: () => void = () => {};

  constructor() {
    this.subject.subscribe({
      next: (v) => this.values.push(v),
      error: (e: unknown) => (this.error = e),
      complete: () => (this.completed = true),
    });
  }

  /** Resolves with the first `count` values matching `predicate`. */
  async next(count: number, predicate: (value: T) => boolean = () => true): Promise<T[]> {
    return firstValueFrom(this.subject.pipe(filter(predicate), take(count), toArray()));
  }

  /** Resolves with the error the subscription ended with. */
  async failure(): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.subject.subscribe({ error: resolve, complete: () => reject(new Error('completed instead of failing')) });
    });
  }
}
