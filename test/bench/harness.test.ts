import { describe, expect, it } from 'vitest';
import { median, meetsGoal, runComparison, type Comparison } from '../../bench/harness.js';

const fixed = (baseline: number[], subject: number[], extra: Partial<Comparison> = {}): Comparison => ({
  name: 'fixed',
  unit: 'ops/s',
  baseline: async () => baseline.shift() ?? 0,
  subject: async () => subject.shift() ?? 0,
  ...extra,
});

describe('bench harness', () => {
  it('takes the median of an odd and an even list', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('reads goals in both directions and rejects other forms', () => {
    expect(meetsGoal(1.0, '>= 1.0')).toBe(true);
    expect(meetsGoal(0.99, '>= 1.0')).toBe(false);
    expect(meetsGoal(1.2, '<= 1.2')).toBe(true);
    expect(meetsGoal(1.21, '<= 1.2')).toBe(false);
    expect(() => meetsGoal(1, 'about 1')).toThrow(/not of the form/);
  });

  it('discards the warm-up pair, runs baseline-subject-subject-baseline rounds and judges by the median ratio', async () => {
    const order: string[] = [];
    const baseline = [1, 10, 30, 10, 10, 10, 10];
    const subject = [1, 9, 9, 30, 30, 11, 11];
    const comparison = fixed(baseline, subject, { goal: '>= 1.0' });
    const [base, sub] = [comparison.baseline, comparison.subject];
    comparison.baseline = () => (order.push('b'), base());
    comparison.subject = () => (order.push('s'), sub());
    const result = await runComparison(comparison, 3);
    expect(order.join('')).toBe('bs' + 'bssb'.repeat(3));
    // round means: base (10+30)/2 vs subject 9 → 0.45; base 10 vs subject 30 → 3; base 10 vs subject 11 → 1.1
    expect(result.ratios).toEqual([0.45, 3, 1.1]);
    expect(result.ratio).toBe(1.1);
    expect(result).toMatchObject({ min: 0.45, max: 3, rounds: 3, met: true });
  });

  it('runs at least the rounds a comparison asks for', async () => {
    const result = await runComparison(fixed(Array(15).fill(1), Array(15).fill(2), { rounds: 7 }), 3);
    expect(result.rounds).toBe(7);
    expect(result.ratios).toHaveLength(7);
    expect(result.failure).toBeUndefined();
  });

  it('turns a throwing comparison into a failed row with its reason, after its teardown', async () => {
    let tornDown = false;
    let subjectRuns = 0;
    const failing = fixed(Array(9).fill(1), [], { goal: '>= 0.5', teardown: async () => void (tornDown = true) });
    failing.subject = async () => {
      if (++subjectRuns === 3) throw new Error('variant failed');
      return 1;
    };
    const result = await runComparison(failing, 3);
    expect(tornDown).toBe(true);
    expect(result.met).toBe(false);
    expect(result.failure).toBe('second subject run of round 1 failed: Error: variant failed');
    expect(result.ratios).toEqual([]);
  });

  it('fails a stalled run after the step time limit and keeps the rounds before it', async () => {
    let baselineRuns = 0;
    const stalling = fixed([], [1, 1, 1, 1, 1, 1, 1, 1]);
    stalling.baseline = () => (++baselineRuns === 4 ? new Promise<number>(() => undefined) : Promise.resolve(1));
    const result = await runComparison(stalling, 3, { stepTimeoutMs: 20 });
    expect(result.failure).toBe('baseline run of round 2 gave no result within 20 ms');
    expect(result).toMatchObject({ met: false, ratios: [1] });
  });

  it('attributes an unhandled rejection to the comparison it happened in, and the process goes on', async () => {
    const leaky = fixed([1, 1, 1, 1], [1, 1, 1, 1]);
    leaky.subject = async () => {
      void Promise.reject(new Error('forgotten promise'));
      // the run itself never ends: only the stray rejection can end it
      return new Promise<number>(() => undefined);
    };
    const result = await runComparison(leaky, 1, { stepTimeoutMs: 60_000 });
    expect(result.failure).toBe('warm-up subject run failed: Error: unhandled Error: forgotten promise');
    const next = await runComparison(fixed([2, 2, 2, 2], [2, 2, 2, 2], { goal: '>= 1' }), 1);
    expect(next).toMatchObject({ met: true, ratio: 1 });
    expect(process.listenerCount('unhandledRejection')).toBeGreaterThan(0);
  });
});
