import type { ChildMessage } from './child.js';

/** Who handled what, as the workers report it. */
export class Ledger {
  readonly handledBy = new Map<string, number[]>();
  total = 0;
  private readonly waiters = new Set<() => void>();
  private failure: Error | undefined;

  /** Makes every pending and later {@link Ledger.reach} reject (a child reported a failure). */
  fail(reason: string): void {
    this.failure ??= new Error(reason);
    for (const waiter of [...this.waiters]) waiter();
  }

  record(message: ChildMessage): void {
    if (message.type !== 'handled') return;
    const id = String(message.id);
    this.handledBy.set(id, [...(this.handledBy.get(id) ?? []), Number(message.worker)]);
    this.total += 1;
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once `total >= count`. */
  reach(count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.failure) {
          this.waiters.delete(check);
          reject(new Error(`${this.failure.message} (handled ${this.total} of ${count})`));
          return;
        }
        if (this.total < count) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
      check();
    });
  }
}
