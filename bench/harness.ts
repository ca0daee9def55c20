/**
 * The benchmark harness: each comparison runs a baseline and the streamrx variant of the same work in
 * rounds of baseline, subject, subject, baseline, and is judged by the median of the per-round ratios
 * subject / baseline.
 */

/** One comparison of the streamrx variant against a baseline doing the same work. */
export interface Comparison {
  /** Unique name; `npm run bench -- <filter>` selects comparisons whose name contains the filter. */
  name: string;
  /** Unit of the figure `baseline()` and `subject()` return, e.g. `'events/s'` or `'ns/msg'`. */
  unit: string;
  /** The goal for the median ratio, `'>= 0.95'` or `'<= 1.2'`; absent for figures that are only reported. */
  goal?: string;
  /**
   * The least number of rounds: a short comparison whose goal lies within this machine's run-to-run noise
   * takes more rounds, so that its median rests on more pairs. @default the run's round count
   */
  rounds?: number;
  /** Runs once before the rounds (start servers, build data). */
  setup?(): Promise<void>;
  /** Runs once after the rounds. */
  teardown?(): Promise<void>;
  /** One run of the baseline; returns its figure in `unit`. */
  baseline(): Promise<number>;
  /** One run of the streamrx variant on the same work; returns its figure in `unit`. */
  subject(): Promise<number>;
  /** Extra text for the report, from the median figures. */
  note?(baseline: number, subject: number): string;
}

/** What the harness records for one comparison; `bench/results.json` holds an array of these. */
export interface ComparisonResult {
  name: string;
  unit: string;
  baseline: number;
  subject: number;
  ratio: number;
  min: number;
  max: number;
  rounds: number;
  /** The ratio of every round, in the order run. */
  ratios: number[];
  goal: string | null;
  met: boolean | null;
  note?: string;
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Whether `ratio` meets a goal written `'>= x'` or `'<= x'`. */
export function meetsGoal(ratio: number, goal: string): boolean {
  const match = /^\s*(>=|<=)\s*([\d.]+)\s*$/.exec(goal);
  if (!match) throw new Error(`goal "${goal}" is not of the form ">= x" or "<= x"`);
  const bound = Number(match[2]);
  return match[1] === '>=' ? ratio >= bound : ratio <= bound;
}

/**
 * Runs one comparison for `defaultRounds` rounds (or its own `rounds`, if more) after one warm-up pair. A
 * round runs baseline, subject, subject, baseline and compares the means of each variant's two runs.
 */
export async function runComparison(comparison: Comparison, defaultRounds: number): Promise<ComparisonResult> {
  const rounds = Math.max(defaultRounds, comparison.rounds ?? 0);
  await comparison.setup?.();
  const baselines: number[] = [];
  const subjects: number[] = [];
  const ratios: number[] = [];
  // No forced GC between runs: a full collection shrinks the young generation and the next run pays for
  // regrowing it (measured: one Misskey variant lost 7 %, the other nothing).
  try {
    await comparison.baseline();
    await comparison.subject();
    for (let round = 0; round < rounds; round++) {
      // baseline, subject, subject, baseline: a slow spell of the machine that spans the round hits both
      const base1 = await comparison.baseline();
      const subject1 = await comparison.subject();
      const subject2 = await comparison.subject();
      const base2 = await comparison.baseline();
      const [base, subject] = [(base1 + base2) / 2, (subject1 + subject2) / 2];
      baselines.push(base);
      subjects.push(subject);
      ratios.push(subject / base);
    }
  } finally {
    await comparison.teardown?.();
  }
  const ratio = median(ratios);
  const baseline = median(baselines);
  const subject = median(subjects);
  const goal = comparison.goal ?? null;
  return {
    name: comparison.name,
    unit: comparison.unit,
    baseline,
    subject,
    ratio,
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    rounds,
    ratios,
    goal,
    met: goal === null ? null : meetsGoal(ratio, goal),
    ...(comparison.note ? { note: comparison.note(baseline, subject) } : {}),
  };
}
