import type { RecipeCounters } from './meter.js';
import type { RecipeRun } from './recipe-run.js';
import type { SourceLink } from './source-link.js';
import type { CollectedCounts } from './source-metrics.js';

const columns: ReadonlyArray<keyof RecipeCounters> = ['in', 'out', 'reconnects', 'gaps', 'errors'];

/**
 * One line of live status: elapsed time, then per source the events in and out, reconnects, gaps and errors.
 * The counters `collected` from the clients' metrics (see `SourceMetrics`) replace the link's own.
 *
 * @example
 * ```ts
 * statusLine(3000, [mixi2], await connections.metrics.collect()); // '[   3s] mixi2 in 12 out 4 reconnects 1 gaps 1 errors 0'
 * ```
 */
export function statusLine(elapsedMs: number, links: readonly SourceLink[], collected: CollectedCounts = {}): string {
  const time = `[${(elapsedMs / 1000).toFixed(0).padStart(4)}s]`;
  const parts = links.map((link) => {
    const c = sourceCounters(link, collected);
    return `${link.source} in ${c.in} out ${c.out} reconnects ${c.reconnects} gaps ${c.gaps} errors ${c.errors}`;
  });
  return `${time} ${parts.join(' | ')}`;
}

/**
 * The final summary: a table of the recipes (status and counters) and one of the sources, whose counters
 * `collected` from the clients' metrics replace the link's own.
 *
 * @example
 * ```ts
 * console.log(summaryTable([run], [link], await connections.metrics.collect()));
 * ```
 */
export function summaryTable(runs: readonly RecipeRun[], links: readonly SourceLink[], collected: CollectedCounts = {}): string {
  const recipeRows = runs.map((run) => [run.name, run.status, ...columns.map((c) => String(run.counters[c]))]);
  const sourceRows = links.map((link) => [link.source, link.real ? 'env' : 'emulator', ...columns.map((c) => String(sourceCounters(link, collected)[c]))]);
  return [table(['recipe', 'status', ...columns], recipeRows), '', table(['source', 'mode', ...columns], sourceRows)].join('\n');
}

/** A link's counters, those its metrics provide read from them. */
function sourceCounters(link: SourceLink, collected: CollectedCounts): RecipeCounters {
  return { ...link.meter.counters, ...collected[link.source] };
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: readonly string[]): string => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
