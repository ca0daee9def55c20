import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const buf = join(root, 'node_modules', '.bin', 'buf');
const committed = join(root, 'src', 'mixi2', 'gen');
const scratch = mkdtempSync(join(tmpdir(), 'mixi2-gen-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

interface Descriptor {
  messageType?: Descriptor[];
  enumType?: unknown[];
  service?: Array<{ name: string; method: unknown[] }>;
}

describe('generated mixi2 code', () => {
  it('is what `npm run gen` produces from protos/ (not stale)', () => {
    execFileSync(buf, ['generate', '--output', scratch], { cwd: root, stdio: 'pipe' });
    const fresh = join(scratch, 'src', 'mixi2', 'gen');
    const files = filesUnder(fresh);
    expect(filesUnder(committed)).toEqual(files);
    for (const file of files) {
      expect(readFileSync(join(committed, file), 'utf8'), `${file} is stale: run npm run gen`).toBe(readFileSync(join(fresh, file), 'utf8'));
    }
  }, 60_000);

  it('protos/ hold the whole v1.2.0 contract: 59 messages, 17 enums, 2 services (1 + 15 methods)', () => {
    const image = JSON.parse(execFileSync(buf, ['build', '--exclude-imports', '-o', '-#format=json'], { cwd: root }).toString()) as {
      file: Array<Descriptor & { package: string }>;
    };
    const countMessages = (types: Descriptor[] = []): number => types.reduce((n, t) => n + 1 + countMessages(t.messageType), 0);
    const countEnums = (types: Descriptor[] = []): number => types.reduce((n, t) => n + (t.enumType?.length ?? 0) + countEnums(t.messageType), 0);
    const mixi = image.file.filter((f) => f.package.startsWith('social.mixi.application'));
    expect(mixi).toHaveLength(25);
    expect(mixi.reduce((n, f) => n + countMessages(f.messageType), 0)).toBe(59);
    expect(mixi.reduce((n, f) => n + (f.enumType?.length ?? 0) + countEnums(f.messageType), 0)).toBe(17);
    const services = mixi.flatMap((f) => (f.service ?? []).map((s) => `${f.package}.${s.name}:${s.method.length}`));
    expect(services.sort()).toEqual([
      'social.mixi.application.service.application_api.v1.ApplicationService:15',
      'social.mixi.application.service.application_stream.v1.ApplicationService:1',
    ]);
  });
});
