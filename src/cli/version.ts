import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The version of the installed streamrx package, read from the nearest `package.json` named `streamrx`
 * above this file (the same from `src/cli` under tsx and from `dist/cli` once built).
 *
 * @example
 * ```ts
 * streamrxVersion(); // '0.1.0'
 * ```
 */
export function streamrxVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const found = versionIn(join(dir, 'package.json'));
    if (found !== undefined) return found;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

function versionIn(path: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown; version?: unknown };
    return pkg.name === 'streamrx' && typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}
