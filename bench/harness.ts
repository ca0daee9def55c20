/**
 * The benchmark harness: each comparison runs a baseline and the streamrx variant of the same work in
 * rounds of baseline, subject, subject, baseline, and is judged by the median of the per-round ratios
 * subject / baseline.
 */
import { captureProcessFailures, describeFailure, guardedStep } from './failure-guard.js';

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
  /** The time limit of each step of this comparison (see {@link RunOptions.stepTimeoutMs}). @default the run's */
  stepTimeoutMs?: number;
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
  /** Whether the goal was met; `false` for a failed comparison, `null` for a figure only reported. */
  met: boolean | null;
  note?: string;
  /** Why the comparison failed (it threw, stalled or left an unhandled rejection); absent when it ran. */
  failure?: string;
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

/** Options of {@link runComparison}. */
export interface RunOptions {
  /**
   * The longest any one step (setup, one variant run, teardown) may take before the comparison is failed.
   * @default 300,000 ms, or `BENCH_STEP_TIMEOUT_MS`
   */
  stepTimeoutMs?: number;
}

const DEFAULT_STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MS ?? 300_000);

/** The figures gathered so far, round by round. */
class Rounds {
  readonly baselines: number[] = [];
  readonly subjects: number[] = [];
  readonly ratios: number[] = [];

  add(base: number, subject: number): void {
    this.baselines.push(base);
    this.subjects.push(subject);
    this.ratios.push(subject / base);
  }
}

/**
 * Runs one comparison for `defaultRounds` rounds (or its own `rounds`, if more) after one warm-up pair. A
 * round runs baseline, subject, subject, baseline and compares the means of each variant's two runs.
 * Never rejects: a step that throws or exceeds its time limit, or an unhandled rejection or uncaught
 * exception while the comparison runs, ends it as a failed row (`met: false`, `failure` says why) after its
 * teardown.
 */
export async function runComparison(comparison: Comparison, defaultRounds: number, options: RunOptions = {}): Promise<ComparisonResult> {
  const rounds = Math.max(defaultRounds, comparison.rounds ?? 0);
  const timeoutMs = options.stepTimeoutMs ?? comparison.stepTimeoutMs ?? DEFAULT_STEP_TIMEOUT_MS;
  let reportStray: (reason: unknown) => void = () => undefined;
  const strays = new Promise<never>((_, reject) => (reportStray = (reason) => reject(new Error(`unhandled ${describeFailure(reason)}`))));
  strays.catch(() => undefined);
  const release = captureProcessFailures((reason) => reportStray(reason));
  const step = <T>(name: string, work: () => Promise<T>): Promise<T> => guardedStep(name, timeoutMs, strays, work);
  const done = new Rounds();
  let failure: string | undefined;
  try {
    await step('setup', async () => comparison.setup?.());
    await runRounds(comparison, rounds, step, done);
  } catch (error) {
    failure = (error as Error).message;
  }
  try {
    // a stray already reported must not fail the teardown that follows it
    await guardedStep('teardown', timeoutMs, new Promise<never>(() => undefined), async () => comparison.teardown?.());
  } catch (error) {
    failure ??= (error as Error).message;
  } finally {
    release();
  }
  return summarise(comparison, rounds, done, failure);
}

type Step = <T>(name: string, work: () => Promise<T>) => Promise<T>;

async function runRounds(comparison: Comparison, rounds: number, step: Step, done: Rounds): Promise<void> {
  // No forced GC between runs: a full collection shrinks the young generation and the next run pays for
  // regrowing it (measured: one Misskey variant lost 7 %, the other nothing).
  await step('warm-up baseline run', () => comparison.baseline());
  await step('warm-up subject run', () => comparison.subject());
  for (let round = 1; round <= rounds; round++) {
    // baseline, subject, subject, baseline: a slow spell of the machine that spans the round hits both
    const base1 = await step(`baseline run of round ${round}`, () => comparison.baseline());
    const subject1 = await step(`subject run of round ${round}`, () => comparison.subject());
    const subject2 = await step(`second subject run of round ${round}`, () => comparison.subject());
    const base2 = await step(`second baseline run of round ${round}`, () => comparison.baseline());
    done.add((base1 + base2) / 2, (subject1 + subject2) / 2);
  }
}

function summarise(comparison: Comparison, rounds: number, done: Rounds, failure: string | undefined): ComparisonResult {
  const some = (values: number[]): number => (values.length > 0 ? median(values) : 0);
  const [ratio, baseline, subject] = [some(done.ratios), some(done.baselines), some(done.subjects)];
  const goal = comparison.goal ?? null;
  const note = failure === undefined && comparison.note ? comparison.note(baseline, subject) : undefined;
  return {
    name: comparison.name,
    unit: comparison.unit,
    baseline,
    subject,
    ratio,
    min: done.ratios.length > 0 ? Math.min(...done.ratios) : 0,
    max: done.ratios.length > 0 ? Math.max(...done.ratios) : 0,
    rounds,
    ratios: done.ratios,
    goal,
    met: failure !== undefined ? false : goal === null ? null : meetsGoal(ratio, goal),
    ...(note === undefined ? {} : { note }),
    ...(failure === undefined ? {} : { failure }),
  };
}
