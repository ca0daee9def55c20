import { pathToFileURL } from 'node:url';

/**
 * Whether the module at `moduleUrl` is the program being run (`npx tsx recipes/<file>.ts`, or a child
 * process forked on that file). In its own module so that a recipe run as a child process loads no more
 * than it needs.
 *
 * @example
 * ```ts
 * if (isMain(import.meta.url)) void main();
 * ```
 */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(entry).href === moduleUrl;
}
