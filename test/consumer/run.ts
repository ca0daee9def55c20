// The consumer test: the package as a stranger gets it. Packs the repository, installs the tarball into a
// temporary project of its own (from the registry, nothing from this repository's node_modules), and there:
// checks that every module the shipped code and declarations import is declared; type-checks the type
// tests, the README's and every guide's snippets (strict; NodeNext without skipLibCheck, bundler
// resolution, a CommonJS module; TypeScript 5.9 and the newest release); runs an ESM program that receives
// from all three emulators and exits by itself; requires every entry point from CommonJS; runs the
// `streamrx` bin; runs every snippet against the emulators and the testing guide's tests with vitest.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractSnippets } from './snippets.js';
import { sourceMapsWithoutSources } from './source-maps.js';
import { undeclaredImports } from './undeclared-imports.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const template = fileURLToPath(new URL('./project/', import.meta.url));
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'streamrx-consumer-'));
const project = join(work, 'project');
const newestTypeScript = join(work, 'typescript-newest');
const npmQuiet = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let passed = 0;
let failed = 0;

// Every command is bounded: a program that does not exit by itself fails instead of hanging the run.
function sh(command: string, args: readonly string[], cwd: string, timeout = 120_000): Promise<string> {
  const env = { ...process.env, npm_config_update_notifier: 'false' };
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', env, timeout, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stdout, stderr })) : resolve(stdout),
    );
  });
}

async function step(name: string, action: () => Promise<string | void>): Promise<boolean> {
  const started = Date.now();
  try {
    const detail = await action();
    passed++;
    console.log(`✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `\n${indent(detail)}` : ''}`);
    return true;
  } catch (error) {
    failed++;
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    console.log(`✗ ${name}\n${indent(`${stdout}${stderr}`.trim() || message)}`);
    return false;
  }
}

const indent = (text: string): string => text.trim().split('\n').map((line) => `    ${line}`).join('\n');
const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string> };
const tarball = join(work, `streamrx-${manifest.version}.tgz`);

const packed = await step('npm pack (builds through prepare)', async () => {
  await sh('npm', ['pack', '--pack-destination', work, '--loglevel=error'], repo);
  const files = (await sh('tar', ['-tzf', tarball], work)).split('\n').filter(Boolean);
  const required = ['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/cli/main.js', 'package/LICENSE', 'package/README.md'];
  const missing = required.filter((file) => !files.includes(file));
  if (missing.length > 0) throw new Error(`the tarball lacks ${missing.join(', ')}`);
  return `${files.length} files`;
});

const installed =
  packed &&
  (await step('a project of its own: the tarball, rxjs, typescript 5.9, @types/node (and vitest for the guide\'s tests)', async () => {
    cpSync(template, project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
    const snippets = extractSnippets(repo, join(project, 'snippets'));
    const typescript = `typescript@${manifest.devDependencies.typescript}`;
    await sh('npm', ['install', ...npmQuiet, tarball, 'rxjs@^7.8.2', typescript, '@types/node@^20.19', `vitest@${manifest.devDependencies.vitest}`], project);
    return `${snippets.programs} program snippets, ${snippets.tests} test snippets`;
  }));

if (installed) {
  await step('every module the shipped code and declarations import is declared; source maps carry their sources', async () => {
    const installedPackage = join(project, 'node_modules', 'streamrx');
    const problems = [...undeclaredImports(installedPackage), ...sourceMapsWithoutSources(installedPackage)];
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });
  await Promise.all([
    step('type-check with TypeScript 5.9: NodeNext, strict, no skipLibCheck (and emit)', () => sh('npx', ['tsc', '-p', 'tsconfig.json'], project)),
    step('type-check with TypeScript 5.9: bundler resolution', () => sh('npx', ['tsc', '-p', 'tsconfig.bundler.json'], project)),
    step('type-check with the newest TypeScript release: NodeNext and bundler', async () => {
      mkdirSync(newestTypeScript);
      writeFileSync(join(newestTypeScript, 'package.json'), '{ "private": true }');
      await sh('npm', ['install', ...npmQuiet, 'typescript@latest'], newestTypeScript);
      const tsc = join(newestTypeScript, 'node_modules', '.bin', 'tsc');
      await sh(tsc, ['-p', 'tsconfig.json', '--noEmit'], project);
      await sh(tsc, ['-p', 'tsconfig.bundler.json'], project);
      return (await sh(tsc, ['--version'], project)).trim();
    }),
  ]);
  await step('an ESM program receives from all three emulators and exits by itself', () => sh('node', ['out/src/receive-all.js'], project, 30_000));
  await step('require() of every entry point from CommonJS', () => sh('node', ['require-all.cjs'], project));
  await step('npx streamrx --help', async () => {
    const help = await sh('npx', ['--no-install', 'streamrx', '--help'], project);
    if (!/emulate/.test(help) || !/tail/.test(help)) throw new Error(`unexpected help:\n${help}`);
    return `streamrx ${(await sh('npx', ['--no-install', 'streamrx', '--version'], project)).trim()}`;
  });
  await Promise.all([
    step('every program snippet runs against the emulators', () => sh('node', ['out/src/run-snippets.js'], project)),
    step("the testing guide's tests pass under vitest", async () => {
      const files = readdirSync(join(project, 'snippets')).filter((name) => name.endsWith('.test.ts'));
      await sh('npx', ['vitest', 'run', ...files.map((file) => `snippets/${file}`)], project);
      return `${files.length} test files`;
    }),
  ]);
}

if (keep) console.log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
console.log(`consumer: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
