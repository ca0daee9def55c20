import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CursorStoreError, fileCursorStore, InvalidArgumentError } from '../../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'streamrx-cursors-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('fileCursorStore', () => {
  it('reads back what a previous process wrote', async () => {
    const path = join(dir, 'cursors.json');
    const first = fileCursorStore(path);
    expect(await first.read('a')).toBeUndefined();
    await first.write('a', 'note-9');
    await first.write('b', { sequenceNumber: 4, sequencePage: 2 });
    await first.close();
    const second = fileCursorStore(path);
    expect(await second.read('a')).toBe('note-9');
    expect(await second.read('b')).toEqual({ sequenceNumber: 4, sequencePage: 2 });
  });

  it('coalesces a burst of writes into a few file replacements (no fsync per write)', async () => {
    const store = fileCursorStore(join(dir, 'cursors.json'));
    await Promise.all(Array.from({ length: 1000 }, (_, i) => store.write('k', i)));
    expect(store.flushes).toBeLessThanOrEqual(2);
    expect(await fileCursorStore(join(dir, 'cursors.json')).read('k')).toBe(999);
  });

  it('compares and sets', async () => {
    const store = fileCursorStore(join(dir, 'cursors.json'));
    expect(await store.compareAndSet('k', undefined, 1)).toBe(true);
    expect(await store.compareAndSet('k', undefined, 2)).toBe(false);
    expect(await store.compareAndSet('k', 0, 2)).toBe(false);
    expect(await store.compareAndSet('k', 1, 2)).toBe(true);
    expect(await fileCursorStore(join(dir, 'cursors.json')).read('k')).toBe(2);
  });

  it('never leaves a temporary file behind, and removes those of a killed writer', async () => {
    const path = join(dir, 'cursors.json');
    writeFileSync(`${path}.12345.7.tmp`, '{"format":"streamrx-cur');
    const store = fileCursorStore(path);
    await store.write('k', 1);
    expect(readdirSync(dir)).toEqual(['cursors.json']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ positions: { k: 1 } });
  });

  it('refuses a file that is not a cursor file, without overwriting it', async () => {
    const path = join(dir, 'cursors.json');
    writeFileSync(path, '{"something":"else"}');
    const store = fileCursorStore(path);
    await expect(store.read('k')).rejects.toBeInstanceOf(CursorStoreError);
    await expect(store.write('k', 1)).rejects.toBeInstanceOf(CursorStoreError);
    expect(readFileSync(path, 'utf8')).toBe('{"something":"else"}');
  });

  it('reports a file that cannot be written as a retryable CursorStoreError', async () => {
    const store = fileCursorStore(join(dir, 'missing-directory', 'cursors.json'));
    const error = await store.write('k', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorStoreError);
    expect((error as CursorStoreError).retryable).toBe(true);
  });

  it('reads the file again after a failed read: a retryable failure does not stick', async () => {
    const path = join(dir, 'cursors.json');
    mkdirSync(path); // unreadable as a file
    const store = fileCursorStore(path);
    const error = await store.read('k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CursorStoreError);
    expect((error as CursorStoreError).retryable).toBe(true);
    rmSync(path, { recursive: true });
    expect(await store.read('k')).toBeUndefined();
    await store.write('k', 1);
    expect(await fileCursorStore(path).read('k')).toBe(1);
  });

  it('rejects bad keys and positions with InvalidArgumentError', async () => {
    const store = fileCursorStore(join(dir, 'cursors.json'));
    await expect(store.write('', 1)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.write('k', undefined)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
