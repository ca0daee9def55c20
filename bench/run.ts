import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { describeFailure } from './failure-guard.js';
import { runComparison, type Comparison, type ComparisonResult } from './harness.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const filter = process.argv[2] ?? '';

async function loadComparisons(): Promise<Comparison[]> {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const all: Comparison[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(join(benchDir, file)).href)) as { default: Comparison[] };
    all.push(...module.default);
  }
  return all;
}

const figure = (n: number): string => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(3));

function row(r: ComparisonResult): string {
  const verdict = r.failure !== undefined ? `FAILED: ${r.failure}` : r.met === null ? 'reported' : r.met ? 'met' : 'NOT MET';
  return [r.name, r.unit, figure(r.baseline), figure(r.subject), r.ratio.toFixed(3),
    `${r.min.toFixed(3)}–${r.max.toFixed(3)}`, r.goal ?? '', verdict].join(' | ');
}

const resultsFile = join(benchDir, 'results.json');

/** This run's results in place of earlier ones of the same name; a filtered run keeps the other rows (of comparisons that still exist). */
async function mergedWithEarlier(results: ComparisonResult[], known: ReadonlySet<string>): Promise<ComparisonResult[]> {
  let earlier: ComparisonResult[] = [];
  try {
    earlier = JSON.parse(await readFile(resultsFile, 'utf8')) as ComparisonResult[];
  } catch {
    // no earlier results, or unreadable ones: this run's stand alone
  }
  const fresh = new Map(results.map((r) => [r.name, r]));
  const merged = earlier.filter((r) => known.has(r.name)).map((r) => fresh.get(r.name) ?? r);
  for (const r of results) if (!merged.includes(r)) merged.push(r);
  return merged;
}

// A failure that outlives its comparison (a timed-out run rejecting later) is logged, never fatal.
for (const event of ['unhandledRejection', 'uncaughtException'] as const) {
  process.on(event, (reason: unknown) => console.error(`late failure outside any comparison: ${describeFailure(reason)}`));
}

const allComparisons = await loadComparisons();
const comparisons = allComparisons.filter((c) => c.name.includes(filter));
if (comparisons.length === 0) {
  console.error(`no benchmark matches "${filter}"`);
  process.exit(1);
}
console.log(`${comparisons.length} comparison(s), ${rounds} rounds each (more where a comparison asks), interleaved\n`);
console.log('name | unit | baseline | streamrx | ratio (median) | min–max | goal | verdict');
console.log('--- | --- | --- | --- | --- | --- | --- | ---');
const known = new Set(allComparisons.map((c) => c.name));
const results: ComparisonResult[] = [];
for (const comparison of comparisons) {
  const result = await runComparison(comparison, rounds);
  results.push(result);
  console.log(row(result));
  if (result.note) console.log(`  ${result.note}`);
  // written after every comparison, so a run stopped midway keeps what it measured
  await writeFile(resultsFile, `${JSON.stringify(await mergedWithEarlier(results, known), null, 2)}\n`);
}
console.log(`\nwritten: bench/results.json`);
if (results.some((r) => r.failure !== undefined)) process.exitCode = 1;
// Children or sockets a failed comparison left behind must not keep the process alive.
process.exit();
