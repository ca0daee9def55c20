import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { from, VirtualTimeScheduler } from 'rxjs';
import { InvalidArgumentError, KeyedState, scanByKey } from '../../src/index.js';
import { marbles } from '../../src/testing/index.js';
import { vitestEqual } from './helpers.js';

describe('KeyedState', () => {
  it('evicts the least recently used key past maxKeys, reads and writes both counting as use', () => {
    const evicted: string[] = [];
    const state = new KeyedState<string, number>({ maxKeys: 3, onEvict: (key, _, reason) => evicted.push(`${key}:${reason}`) });
    state.set('a', 1);
    state.set('b', 2);
    state.set('c', 3);
    expect(state.get('a')).toBe(1); // a is now the most recent
    state.set('d', 4); // evicts b
    state.update('c', (n = 0) => n + 10); // c is now the most recent
    state.set('e', 5); // evicts a
    expect(state.keys()).toEqual(['d', 'c', 'e']);
    expect(evicted).toEqual(['b:capacity', 'a:capacity']);
    expect(state.evictions).toEqual({ capacity: 2, expired: 0 });
    expect(state.get('b')).toBeUndefined();
    expect(state.delete('d')).toBe(true);
    expect(state.size).toBe(2);
  });

  it('forgets a key ttl after its last use, counted as expired', () => {
    const scheduler = new VirtualTimeScheduler();
    const state = new KeyedState<string, number>({ ttl: 100, scheduler });
    state.set('a', 1);
    state.set('b', 2);
    scheduler.schedule(() => state.get('a'), 60);
    scheduler.schedule(() => {
      expect(state.get('b')).toBeUndefined();
      expect(state.get('a')).toBe(1);
    }, 120);
    scheduler.flush();
    expect(state.evictions).toEqual({ capacity: 0, expired: 1 });
  });

  it('stays within maxKeys on a long stream of distinct keys', () => {
    const state = new KeyedState<number, number>({ maxKeys: 1000 });
    for (let i = 0; i < 100_000; i++) state.set(i, i);
    expect(state.size).toBe(1000);
    expect(state.evictions.capacity).toBe(99_000);
    expect(state.keys()[0]).toBe(99_000);
  });

  it('keeps the same keys in the same order as a brute-force LRU list (property)', () => {
    const operation = fc.record({ key: fc.integer({ min: 0, max: 12 }), write: fc.boolean() });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(operation, { maxLength: 200 }), (maxKeys, operations) => {
        const state = new KeyedState<number, number>({ maxKeys });
        const reference: Array<[number, number]> = []; // least recently used first
        let evictions = 0;
        for (const [index, { key, write }] of operations.entries()) {
          const at = reference.findIndex(([k]) => k === key);
          const entry = at >= 0 ? reference.splice(at, 1)[0] : undefined;
          if (write) {
            state.set(key, index);
            if (!entry && reference.length >= maxKeys) {
              reference.shift();
              evictions++;
            }
            reference.push([key, index]);
          } else {
            expect(state.get(key)).toBe(entry?.[1]);
            if (entry) reference.push(entry);
          }
        }
        expect(state.keys()).toEqual(reference.map(([k]) => k));
        expect(state.evictions.capacity).toBe(evictions);
      }),
    );
  });

  it('refuses a maxKeys below 1 and a non-positive ttl', () => {
    expect(() => new KeyedState({ maxKeys: 0 })).toThrow(InvalidArgumentError);
    expect(() => new KeyedState({ ttl: 0 })).toThrow(InvalidArgumentError);
  });
});

describe('scanByKey', () => {
  it('keeps a state per key, starting again from the seed for a key that was evicted', () =>
    marbles(({ cold, expectObservable }) => {
      const counted = cold('abacb').pipe(scanByKey((v: string) => v, (n: number) => n + 1, () => 0, { maxKeys: 2 }));
      // a, b, a again (2); c evicts b, the least recently used; b starts from the seed again
      expectObservable(counted).toBe('abxcb', {
        a: { key: 'a', state: 1, value: 'a' },
        x: { key: 'a', state: 2, value: 'a' },
        b: { key: 'b', state: 1, value: 'b' },
        c: { key: 'c', state: 1, value: 'c' },
      });
    }, vitestEqual));

  it('forgets a key after ttl in virtual time, and hands out its store', () => {
    let store: KeyedState<string, number> | undefined;
    marbles(({ cold, expectObservable }) => {
      const counted = cold('a 5ms a 20ms a').pipe(scanByKey((v: string) => v, (n: number) => n + 1, () => 0, { ttl: 10, onState: (s) => (store = s) }));
      expectObservable(counted).toBe('x 5ms y 20ms x', { x: { key: 'a', state: 1, value: 'a' }, y: { key: 'a', state: 2, value: 'a' } });
    }, vitestEqual);
    expect(store?.evictions).toEqual({ capacity: 0, expired: 1 });
  });

  it('refuses bad bounds when the operator is made', () => {
    expect(() => from([1]).pipe(scanByKey((v) => v, (s: number) => s, () => 0, { maxKeys: -1 }))).toThrow(InvalidArgumentError);
  });
});
