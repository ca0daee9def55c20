import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
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

/** The entry once {@link prepareCompiledCli} has run in this process. */
export function compiledCliEntry(): string {
  if (built === undefined) throw new Error('call prepareCompiledCli() in a beforeAll first');
  return built;
}

const staleLockMs = 120_000;
const staleBuildMs = 3_600_000;

/** Takes the build lock (an atomic mkdir); false when another test worker holds it. */
function tryLock(lock: string): boolean {
  try {
    mkdirSync(lock, { recursive: false });
    return true;
  } catch {
    const held = statSync(lock, { throwIfNoEntry: false });
    if (held !== undefined && Date.now() - held.mtimeMs > staleLockMs) rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

/**
 * Makes sure the `streamrx` entry exists transpiled to plain JavaScript, like the package's
 * `dist/cli/main.js`, and resolves with its path: `src/` is transpiled file by file (TypeScript's
 * `transpileModule`, the per-file transform tsx applies too) into
 * `node_modules/.cache/streamrx-cli-test/<fingerprint>/`, once per change of the sources and by one test
 * worker at a time (the others wait for it), so each spawned command starts with plain `node` instead of
 * paying tsx's loader every time. The directory sits under the repository, so bare imports resolve to its
 * node_modules and `--version` finds its package.json.
 */
export async function prepareCompiledCli(): Promise<string> {
  if (built !== undefined) return built;
  const files = sourceFiles(join(root, 'src'));
  const key = fingerprint(files);
  const outDir = join(cacheRoot, key);
  const entry = join(outDir, 'src', 'cli', 'main.js');
  const lock = join(cacheRoot, 'build.lock');
  mkdirSync(cacheRoot, { recursive: true });
  while (!existsSync(entry)) {
    if (!tryLock(lock)) {
      // A condition, not a duration: another worker is building; its result appears or its lock goes.
      await delay(50);
      continue;
    }
    try {
      if (!existsSync(entry)) build(outDir, files, key);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  // Marks the build as in use, so that another run does not remove it as stale.
  utimesSync(outDir, new Date(), new Date());
  built = entry;
  return entry;
}

function build(outDir: string, files: readonly string[], key: string): void {
  const staging = `${outDir}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  transpileInto(staging, files);
  renameSync(staging, outDir);
  removeStaleBuilds(key);
}

/** Builds of older sources not used for an hour (a concurrent test run may still be using a recent one). */
function removeStaleBuilds(current: string): void {
  for (const name of readdirSync(cacheRoot)) {
    const path = join(cacheRoot, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (name !== current && name !== 'build.lock' && age > staleBuildMs) rmSync(path, { recursive: true, force: true });
  }
}
