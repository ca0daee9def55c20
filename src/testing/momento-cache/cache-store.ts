import type { WireSetCondition } from './cache-wire.js';

interface Entry {
  value: Uint8Array;
  expiresAt: number;
}

/** The emulated caches: bytes keyed by (cache name, key), each with an expiry, checked lazily on access. */
export class CacheStore {
  private readonly caches = new Map<string, Map<string, Entry>>();

  constructor(private readonly now: () => number) {}

  get(cacheName: string, key: Uint8Array): Uint8Array | undefined {
    return this.live(cacheName, keyOf(key))?.value;
  }

  set(cacheName: string, key: Uint8Array, value: Uint8Array, ttlMs: number): void {
    let cache = this.caches.get(cacheName);
    if (!cache) this.caches.set(cacheName, (cache = new Map()));
    cache.set(keyOf(key), { value, expiresAt: this.now() + ttlMs });
  }

  /** Stores only when `condition` holds for the current value; returns whether it stored. */
  setIf(cacheName: string, key: Uint8Array, value: Uint8Array, ttlMs: number, condition: WireSetCondition): boolean {
    if (!holds(condition, this.get(cacheName, key))) return false;
    this.set(cacheName, key, value, ttlMs);
    return true;
  }

  delete(cacheName: string, key: Uint8Array): void {
    this.caches.get(cacheName)?.delete(keyOf(key));
  }

  /** The live keys of a cache (UTF-8 decoded), in insertion order. */
  keys(cacheName: string): string[] {
    const cache = this.caches.get(cacheName);
    if (!cache) return [];
    return [...cache.keys()].filter((key) => this.live(cacheName, key) !== undefined).map((key) => Buffer.from(key, 'base64').toString('utf8'));
  }

  /** Milliseconds until a key expires, or `undefined` when it is absent. */
  ttlOf(cacheName: string, key: Uint8Array): number | undefined {
    const entry = this.live(cacheName, keyOf(key));
    return entry && entry.expiresAt - this.now();
  }

  clear(): void {
    this.caches.clear();
  }

  private live(cacheName: string, key: string): Entry | undefined {
    const cache = this.caches.get(cacheName);
    const entry = cache?.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      cache?.delete(key);
      return undefined;
    }
    return entry;
  }
}

function keyOf(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('base64');
}

function holds(condition: WireSetCondition, current: Uint8Array | undefined): boolean {
  const same = (other: Uint8Array): boolean => current !== undefined && Buffer.compare(current, other) === 0;
  switch (condition.kind) {
    case 'absent':
      return current === undefined;
    case 'present':
      return current !== undefined;
    case 'equal':
      return same(condition.valueToCheck);
    case 'notEqual':
      return !same(condition.valueToCheck);
    case 'absentOrEqual':
      return current === undefined || same(condition.valueToCheck);
    case 'presentAndNotEqual':
      return current !== undefined && !same(condition.valueToCheck);
  }
}
