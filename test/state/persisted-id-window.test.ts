import { describe, expect, it } from 'vitest';
import { memoryCursorStore } from '../../src/index.js';
import { PersistedIdWindow } from '../../src/state/persisted-id-window.js';

describe('PersistedIdWindow', () => {
  it('keeps at most capacity ids, each for ttl, and a new window reads them back', async () => {
    const store = memoryCursorStore();
    let now = 1_000;
    const window = new PersistedIdWindow(store, 'k', { capacity: 3, ttl: 100, now: () => now });
    await window.load();
    await window.add(['a', 'b', 'c', 'd']);
    expect(['a', 'b', 'c', 'd'].map((id) => window.has(id))).toEqual([false, true, true, true]);
    now += 50;
    await window.add(['e']);
    const reloaded = new PersistedIdWindow(store, 'k', { capacity: 3, ttl: 100, now: () => now });
    await reloaded.load();
    expect(['c', 'd', 'e'].map((id) => reloaded.has(id))).toEqual([true, true, true]);
    now += 60; // c and d are 110 ms old: forgotten; e is 60 ms old
    expect(['c', 'd', 'e'].map((id) => reloaded.has(id))).toEqual([false, false, true]);
  });

  it('reads the store again after a failed read (a webhook receiver answers 503 once, not forever)', async () => {
    const store = memoryCursorStore();
    await new PersistedIdWindow(store, 'k').add(['a']);
    let failures = 1;
    const flaky = { ...store, read: <P>(key: string) => (failures-- > 0 ? Promise.reject(new Error('unreachable')) : store.read<P>(key)) };
    const window = new PersistedIdWindow(flaky, 'k');
    await expect(window.load()).rejects.toThrow('unreachable');
    await window.load();
    expect(window.has('a')).toBe(true);
  });
});
