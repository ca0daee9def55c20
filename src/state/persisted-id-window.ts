import { InvalidArgumentError } from '../core/errors.js';
import { checkCursorKey, type CursorStore } from './cursor-store.js';

/**
 * Options of {@link PersistedIdWindow}.
 *
 * @example
 * ```ts
 * new PersistedIdWindow(store, 'mixi2:webhook', { capacity: 10_000, ttl: 600_000 });
 * ```
 */
export interface PersistedIdWindowOptions {
  /** Most ids remembered; past it the oldest is forgotten first. @default 10000 */
  capacity?: number;
  /** How long an id is remembered after it was first seen, in milliseconds. @default 600000 */
  ttl?: number;
  /** The clock of `ttl` (ms since epoch: the window outlives the process). @default Date.now */
  now?: () => number;
}

type StoredWindow = { ids: Array<[string, number]> };

/**
 * The ids seen recently (a de-duplication window) kept in a {@link CursorStore} under one key, so that it
 * survives a restart: a webhook delivery retried after the receiver restarted is recognised. `add` remembers
 * an id at once (a second copy arriving meanwhile is a repeat) and resolves once the window is durable.
 *
 * @example
 * ```ts
 * const seen = new PersistedIdWindow(fileCursorStore('./state.json'), 'mixi2:webhook');
 * await seen.load();
 * if (!seen.has(event.eventId)) { seen.remember([event.eventId]); handle(event); await seen.persist(); }
 * ```
 */
export class PersistedIdWindow {
  private readonly ids = new Map<string, number>();
  private loading: Promise<void> | undefined;
  private readonly capacity: number;
  private readonly ttl: number;
  private readonly now: () => number;

  constructor(
    private readonly store: CursorStore,
    private readonly key: string,
    options: PersistedIdWindowOptions = {},
  ) {
    checkCursorKey(key);
    const { capacity = 10_000, ttl = 600_000, now = Date.now } = options;
    if (!Number.isInteger(capacity) || capacity < 1) throw new InvalidArgumentError(`capacity must be a positive integer, got ${capacity}`);
    if (!(ttl > 0)) throw new InvalidArgumentError(`ttl must be > 0 ms, got ${ttl}`);
    this.capacity = capacity;
    this.ttl = ttl;
    this.now = now;
  }

  /** Reads the stored window (once; later calls share the first read, or read again after a failed one). */
  load(): Promise<void> {
    this.loading ??= this.store.read<StoredWindow>(this.key).then(
      (stored) => {
        const horizon = this.now() - this.ttl;
        for (const [id, seenAt] of stored?.ids ?? []) if (seenAt > horizon && typeof id === 'string') this.ids.set(id, seenAt);
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  /** Whether `id` was seen within the window (call after {@link load}). */
  has(id: string): boolean {
    const seenAt = this.ids.get(id);
    return seenAt !== undefined && seenAt > this.now() - this.ttl;
  }

  /** Remembers `ids` now (in memory: a copy arriving meanwhile is already a repeat); {@link persist} stores them. */
  remember(ids: readonly string[]): void {
    const now = this.now();
    for (const id of ids) {
      this.ids.delete(id);
      this.ids.set(id, now);
    }
    this.trim(now);
  }

  /** Stores the window; resolves once it is durable. */
  persist(): Promise<void> {
    return this.store.write(this.key, { ids: [...this.ids] } satisfies StoredWindow);
  }

  /** Remembers `ids` and resolves once the window holding them is durable. */
  add(ids: readonly string[]): Promise<void> {
    this.remember(ids);
    return this.persist();
  }

  private trim(now: number): void {
    const horizon = now - this.ttl;
    for (const [id, seenAt] of this.ids) {
      if (this.ids.size <= this.capacity && seenAt > horizon) break;
      this.ids.delete(id);
    }
  }
}
