/**
 * The live counters of a running recipe or of one source connection.
 *
 * @example
 * ```ts
 * const counters: RecipeCounters = { in: 12, out: 4, reconnects: 1, gaps: 1, errors: 0 };
 * ```
 */
export interface RecipeCounters {
  /** Events taken in (from a stream, a channel, a topic, a webhook). */
  in: number;
  /** Effects that succeeded (a reply posted, a reaction made, an item published). */
  out: number;
  /** Times a connection went from open to reconnecting. */
  reconnects: number;
  /** Losses the protocol could not recover (mixi2 stream gaps, incomplete Misskey gap-fills, Momento discontinuities). */
  gaps: number;
  /** Effects that failed for good, and pipeline failures. */
  errors: number;
}

/** The name of one counter. */
export type CounterName = keyof RecipeCounters;

/** The three services a recipe talks to. */
export type SourceName = 'mixi2' | 'misskey' | 'momento';

/**
 * A set of counters that only go up. `counters` is live (read it any time); `snapshot()` copies it.
 *
 * @example
 * ```ts
 * const meter = new Meter();
 * meter.add('in');
 * meter.counters.in; // 1
 * ```
 */
export class Meter {
  private readonly values: RecipeCounters = { in: 0, out: 0, reconnects: 0, gaps: 0, errors: 0 };

  /** The live counters. */
  get counters(): Readonly<RecipeCounters> {
    return this.values;
  }

  /** Adds `n` (default 1) to one counter. */
  add(name: CounterName, n = 1): void {
    this.values[name] += n;
  }

  /** A copy of the counters now. */
  snapshot(): RecipeCounters {
    return { ...this.values };
  }
}
