import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder } from './files-under.js';

const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

function packageOf(bare: string): string {
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

// TSDoc examples name packages a user's own code would import; only code and type references count.
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

const isBuiltin = (name: string): boolean => name.startsWith('node:') || builtinModules.includes(name);

/**
 * Every bare import in an installed package's `dist` (code and declarations) whose package is neither a
 * Node built-in, the package itself, nor one of its dependencies or peer dependencies.
 */
export function undeclaredImports(installed: string): string[] {
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
  const declared = new Set([manifest.name, ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const problems: string[] = [];
  for (const file of filesUnder(join(installed, 'dist'), /\.(js|d\.ts)$/)) {
    for (const [, imported = ''] of withoutComments(readFileSync(file, 'utf8')).matchAll(specifier)) {
      if (imported.startsWith('.') || isBuiltin(imported)) continue;
      if (!declared.has(packageOf(imported))) problems.push(`${relative(installed, file)} imports ${imported}, which the package does not declare`);
    }
  }
  return problems;
}
