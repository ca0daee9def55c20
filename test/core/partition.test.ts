import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { InvalidArgumentError, partition, stableHash } from '../../src/index.js';

describe('partition', () => {
  it('gives every key to exactly one of count workers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.string(), { maxLength: 200 }), fc.integer({ min: 1, max: 9 }), async (keys, count) => {
        const shares = await Promise.all(
          Array.from({ length: count }, (_, index) => lastValueFrom(from(keys).pipe(partition(index, count, (k) => k), toArray()))),
        );
        expect(shares.flat().sort()).toEqual([...keys].sort());
      }),
    );
  });

  it('hashes stably (FNV-1a reference values)', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(stableHash('foobar')).toBe(0xbf9cf968);
  });

  it('spreads keys roughly evenly', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[stableHash(`event-${i}`) % 3]!++;
    for (const c of counts) expect(c).toBeGreaterThan(9_000);
  });

  it('rejects an index outside [0, count) and a bad count', () => {
    expect(() => partition(3, 3, String)).toThrow(InvalidArgumentError);
    expect(() => partition(0, 0, String)).toThrow(InvalidArgumentError);
    expect(() => partition(-1, 2, String)).toThrow(/index must be an integer in \[0, 1\]/);
  });
});
