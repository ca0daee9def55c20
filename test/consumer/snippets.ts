import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A ```ts block of a document: `ts test` blocks are vitest files, every other one is a program. */
export interface Snippet {
  file: string;
  code: string;
  kind: 'program' | 'test';
}

/** The ```ts blocks of one markdown text, in order. */
export function snippetsOf(markdown: string, source: string): Snippet[] {
  const snippets: Snippet[] = [];
  const fence = /^```(ts|typescript)([^\n]*)\n([\s\S]*?)^```$/gm;
  for (const match of markdown.matchAll(fence)) {
    const kind = /\btest\b/.test(match[2] ?? '') ? 'test' : 'program';
    const name = `${basename(source, '.md').toLowerCase()}-${snippets.length + 1}`;
    snippets.push({ file: kind === 'test' ? `${name}.test.ts` : `${name}.ts`, code: match[3] ?? '', kind });
  }
  return snippets;
}

/** The documents whose snippets a user copies: the README and every guide. */
export function documents(repo: string): string[] {
  const guides = join(repo, 'docs', 'guides');
  return [join(repo, 'README.md'), ...readdirSync(guides).filter((f) => f.endsWith('.md')).map((f) => join(guides, f))];
}

/** Writes every snippet of the documents into `into`; counts them by kind. */
export function extractSnippets(repo: string, into: string): { programs: number; tests: number } {
  mkdirSync(into, { recursive: true });
  const all = documents(repo).flatMap((path) => snippetsOf(readFileSync(path, 'utf8'), path));
  for (const snippet of all) writeFileSync(join(into, snippet.file), snippet.code);
  return { programs: all.filter((s) => s.kind === 'program').length, tests: all.filter((s) => s.kind === 'test').length };
}
