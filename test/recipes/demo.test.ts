import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RECIPE_ENV } from '../../recipes/environment.js';

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `recipes/demo.ts` as `npm start` does (tsx), without any credential in its environment. */
function startDemo(args: string[], onLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void): Promise<Finished> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.values(RECIPE_ENV)) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', 'recipes/demo.ts', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) onLine?.(line, (signal) => child.kill(signal));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const recipeRow = /^(mention-reply|keyword-reactions|cross-feed|trends|chart-reply|restart-safe-mentions)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/;
const sourceRow = /^(mixi2|misskey|momento)\s+(emulator|env)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$/;

function rows(stdout: string, pattern: RegExp): Record<string, { status: string; in: number; out: number; reconnects: number; gaps: number; errors: number }> {
  const found: ReturnType<typeof rows> = {};
  for (const line of stdout.split('\n')) {
    const m = pattern.exec(line.trim());
    if (m) found[m[1]!] = { status: m[2]!, in: Number(m[3]), out: Number(m[4]), reconnects: Number(m[5]), gaps: Number(m[6]), errors: Number(m[7]) };
  }
  return found;
}

describe('npm start (recipes/demo.ts)', () => {
  it('runs recipes 1, 3, 5, 7, 8 and 9 on the emulators, kills and restarts the mention bot, recovers from the mid-run drop and exits 0 with a summary', async () => {
    const { code, stdout, stderr } = await startDemo(['--duration', '3']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/services: mixi2 \(emulator\), misskey \(emulator\), momento \(emulator\)/);
    expect(stdout).toMatch(/^\[\s+1s\] mixi2 in \d+ out \d+ reconnects \d+ gaps \d+ errors \d+ \| misskey .* \| momento /m);
    expect(stdout).toMatch(/-- dropping every connection of the mixi2, misskey, momento emulators --/);
    expect(stdout).toMatch(/stopped: time is up/);
    const recipes = rows(stdout, recipeRow);
    expect(Object.keys(recipes).sort()).toEqual(['chart-reply', 'cross-feed', 'keyword-reactions', 'mention-reply', 'restart-safe-mentions', 'trends']);
    expect(stdout).toMatch(/trends: late posts folded in \d+, dropped \d+/);
    expect(stdout).toMatch(/chart-reply: uploads mixi2 [1-9]\d* misskey [1-9]\d*, replies [1-9]\d*; rate governors: mixi2 waits \d+ \(\d+\.\d s\) queued \d+/);
    // The bot (a child process) was killed with SIGKILL, restarted from its stored cursor, and missed no mention.
    expect(stdout).toMatch(/restart-safe-mentions: handled [1-9]\d*, replayed after restart \d+, re-handled \d+, missed 0; killed \(SIGKILL\) at \d+\.\d s, restarted from the stored cursor\n/);
    for (const [name, counters] of Object.entries(recipes)) {
      expect({ name, status: counters.status, errors: counters.errors }).toEqual({ name, status: 'stopped', errors: 0 });
      expect(counters.in, `${name} in`).toBeGreaterThan(0);
      expect(counters.out, `${name} out`).toBeGreaterThan(0);
    }
    const sources = rows(stdout, sourceRow);
    expect(Object.keys(sources).sort()).toEqual(['misskey', 'mixi2', 'momento']);
    for (const [name, counters] of Object.entries(sources)) {
      expect(counters.reconnects, `${name} reconnects`).toBeGreaterThanOrEqual(1);
      expect(counters.in, `${name} in`).toBeGreaterThan(0);
      expect(counters.errors, `${name} errors`).toBe(0);
    }
  }, 60_000);

  it('stops cleanly with the summary on Ctrl-C (SIGINT)', async () => {
    let interrupted = false;
    const { code, signal, stdout } = await startDemo(['--duration', '60'], (line, kill) => {
      if (!interrupted && /^\[\s+1s\]/.test(line)) {
        interrupted = true;
        kill('SIGINT');
      }
    });
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(stdout).toMatch(/stopped: interrupted/);
    expect(Object.keys(rows(stdout, recipeRow))).toHaveLength(6);
  }, 60_000);

  it('refuses a bad --duration with a clear message and a non-zero status', async () => {
    const { code, stderr } = await startDemo(['--duration', 'soon']);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/--duration needs a positive number of seconds/);
  }, 60_000);
});
