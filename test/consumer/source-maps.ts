import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder } from './files-under.js';

/** Every source map in an installed package's `dist` that points at sources it does not carry (the package ships no `src`). */
export function sourceMapsWithoutSources(installed: string): string[] {
  return filesUnder(join(installed, 'dist'), /\.map$/).flatMap((path) => {
    const map = JSON.parse(readFileSync(path, 'utf8')) as { sources?: string[]; sourcesContent?: Array<string | null> };
    const carried = (map.sourcesContent ?? []).filter((content) => typeof content === 'string').length;
    return carried === (map.sources ?? []).length ? [] : [`${relative(installed, path)} names sources it does not carry`];
  });
}
