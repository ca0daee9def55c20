import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as TypeScript from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheRoot = join(root, 'node_modules', '.cache', 'streamrx-cli-test');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Changes whenever a source file is added, removed or modified. */
function fingerprint(files: readonly string[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    const { mtimeMs, size } = statSync(file);
    hash.update(`${relative(root, file)}:${mtimeMs}:${size}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

function transpileInto(outDir: string, files: readonly string[]): void {
  // Loaded only when a build is needed: most runs find the build in the cache.
  const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
  const compilerOptions: TypeScript.CompilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  for (const file of files) {
    const out = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file }).outputText);
  }
}

let built: string | undefined;

/**
 * The `streamrx` entry transpiled to plain JavaScript, like the package's `dist/src/cli/main.js`: `src/` is
 * transpiled file by file (TypeScript's `transpileModule`, the same per-file transform tsx applies) into
 * `node_modules/.cache/streamrx-cli-test/<fingerprint>/`, once per change of the sources, so each test
 * process starts with plain `node` instead of paying tsx's loader on every spawn. The directory sits under
 * the repository, so bare imports resolve to its node_modules and `--version` finds its package.json.
 */
export function compiledCliEntry(): string {
  if (built !== undefined) return built;
  const files = sourceFiles(join(root, 'src'));
  const key = fingerprint(files);
  const outDir = join(cacheRoot, key);
  const entry = join(outDir, 'src', 'cli', 'main.js');
  if (!existsSync(entry)) {
    const staging = `${outDir}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    transpileInto(staging, files);
    try {
      renameSync(staging, outDir);
    } catch {
      // Another test worker finished the same build first.
      rmSync(staging, { recursive: true, force: true });
    }
    for (const stale of readdirSync(cacheRoot)) if (stale !== key && !stale.endsWith('.tmp')) rmSync(join(cacheRoot, stale), { recursive: true, force: true });
  }
  built = entry;
  return entry;
}
