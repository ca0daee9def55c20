import { Subscription, type Observable } from 'rxjs';
import { Meter, type RecipeCounters } from './meter.js';

/** Where a recipe run is: `running`, `stopped` by `stop()`, `completed` by its source, or `failed`. */
export type RecipeStatus = 'running' | 'stopped' | 'completed' | 'failed';

/**
 * A recipe running its pipeline: its name, live counters, status, and a way to stop it. The demo prints
 * these; a recipe's `main` returns one.
 *
 * @example
 * ```ts
 * const run = runMentionReply({ mixi2 });
 * setInterval(() => console.log(run.name, run.counters.in, run.counters.out), 1000);
 * await run.stop();
 * ```
 */
export interface RecipeRun {
  /** The recipe's name, e.g. `'mention-reply'`. */
  readonly name: string;
  /** Live counters: events in, effects out, reconnects, gaps and errors seen while running. */
  readonly counters: Readonly<RecipeCounters>;
  /** The current status. */
  readonly status: RecipeStatus;
  /** The error the pipeline ended with, when `status` is `'failed'`. */
  readonly error: unknown;
  /** Settles (never rejects) with the final status once the pipeline has ended or was stopped. */
  readonly done: Promise<RecipeStatus>;
  /** Unsubscribes the pipeline (releasing its sockets and timers); resolves with the final status. */
  stop(): Promise<RecipeStatus>;
  /** A short human line about the recipe's state, if it has one to tell. */
  describe?(): string;
}

/** Options of {@link startRecipeRun}. */
export interface StartRecipeRunOptions {
  /** Signals whose emissions count as reconnects while the run is active (one per connection used). @default [] */
  reconnects?: ReadonlyArray<Observable<unknown>>;
  /** Signals whose emissions count as gaps while the run is active. @default [] */
  gaps?: ReadonlyArray<Observable<unknown>>;
  /** Awaited by `stop()` before the pipeline is unsubscribed (to let a recipe catch up and count what it missed). @default none */
  drain?: () => Promise<void>;
  /** Extra work to release when the run ends (clients, servers). @default none */
  release?: () => void | Promise<void>;
  /** A short human line about the recipe's state, shown under the status line. @default none */
  describe?: () => string;
}

/**
 * Subscribes `pipeline$` and wraps it as a {@link RecipeRun}. The pipeline counts its own `in`/`out`/`errors`
 * on `meter`; reconnects and gaps of the connections are counted from the given signals. A pipeline error
 * counts as an error and ends the run as `'failed'`.
 *
 * @example
 * ```ts
 * const meter = new Meter();
 * const run = startRecipeRun('echo', meter, source$.pipe(tap(() => meter.add('in'))), { reconnects: [link.reconnects$] });
 * ```
 */
export function startRecipeRun(name: string, meter: Meter, pipeline$: Observable<unknown>, options: StartRecipeRunOptions = {}): RecipeRun {
  const watchers = new Subscription();
  for (const signal of options.reconnects ?? []) watchers.add(signal.subscribe(() => meter.add('reconnects')));
  for (const signal of options.gaps ?? []) watchers.add(signal.subscribe(() => meter.add('gaps')));
  let status: RecipeStatus = 'running';
  let error: unknown;
  let settle!: (status: RecipeStatus) => void;
  const done = new Promise<RecipeStatus>((resolve) => (settle = resolve));
  const finish = async (final: RecipeStatus): Promise<void> => {
    if (status !== 'running') return;
    status = final;
    watchers.unsubscribe();
    try {
      await options.release?.();
    } finally {
      settle(final);
    }
  };
  const subscription = pipeline$.subscribe({
    error: (e: unknown) => {
      error = e;
      meter.add('errors');
      void finish('failed');
    },
    complete: () => void finish('completed'),
  });
  return {
    name,
    counters: meter.counters,
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    done,
    ...(options.describe ? { describe: options.describe } : {}),
    stop: async () => {
      if (status === 'running') await options.drain?.();
      subscription.unsubscribe();
      await finish('stopped');
      return done;
    },
  };
}
