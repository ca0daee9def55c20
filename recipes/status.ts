import type { RecipeCounters } from './meter.js';
import type { RecipeRun } from './recipe-run.js';
import type { SourceLink } from './source-link.js';

const columns: ReadonlyArray<keyof RecipeCounters> = ['in', 'out', 'reconnects', 'gaps', 'errors'];

/**
 * One line of live status: elapsed time, then per source the events in and out, reconnects, gaps and errors.
 *
 * @example
 * ```ts
 * statusLine(3000, [mixi2]); // '[   3s] mixi2 in 12 out 4 reconnects 1 gaps 1 errors 0'
 * ```
 */
export function statusLine(elapsedMs: number, links: readonly SourceLink[]): string {
  const time = `[${(elapsedMs / 1000).toFixed(0).padStart(4)}s]`;
  const parts = links.map((link) => {
    const c = link.meter.counters;
    return `${link.source} in ${c.in} out ${c.out} reconnects ${c.reconnects} gaps ${c.gaps} errors ${c.errors}`;
  });
  return `${time} ${parts.join(' | ')}`;
}

/**
 * The final summary: a table of the recipes (status and counters) and one of the sources.
 *
 * @example
 * ```ts
 * console.log(summaryTable([run], [link]));
 * ```
 */
export function summaryTable(runs: readonly RecipeRun[], links: readonly SourceLink[]): string {
  const recipeRows = runs.map((run) => [run.name, run.status, ...columns.map((c) => String(run.counters[c]))]);
  const sourceRows = links.map((link) => [link.source, link.real ? 'env' : 'emulator', ...columns.map((c) => String(link.meter.counters[c]))]);
  return [table(['recipe', 'status', ...columns], recipeRows), '', table(['source', 'mode', ...columns], sourceRows)].join('\n');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
