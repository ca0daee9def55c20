import { describe, expect, it } from 'vitest';
import { aidxGenerator } from '../../src/testing/misskey/index.js';

describe('aidxGenerator', () => {
  it('produces 16-character ids in the format a 2026.3.2 server sends', () => {
    const id = aidxGenerator({ now: () => Date.UTC(2026, 10, 27), node: 's335' })();
    expect(id).toMatch(/^[0-9a-z]{8}s335[0-9a-z]{4}$/);
    expect(id.slice(12)).toBe('0001');
  });

  it('sorts ids in creation order, within one millisecond and across a clock that steps back', () => {
    const clock = [1000, 1000, 1000, 999, 2000];
    const nextId = aidxGenerator({ now: () => 946_684_800_000 + (clock.shift() ?? 0) });
    const ids = Array.from({ length: 5 }, () => nextId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });

  it('refuses a node name that would break the format', () => {
    expect(() => aidxGenerator({ node: 'S-35' })).toThrow(RangeError);
  });
});
