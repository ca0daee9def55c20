/**
 * Event-time timers: a binary min-heap of (time, payload), popped in time order and, for equal times, in
 * the order they were pushed. Stale timers are left in place and skipped by the caller when popped.
 */
export class TimerHeap<P> {
  private readonly times: number[] = [];
  private readonly orders: number[] = [];
  private readonly payloads: P[] = [];
  private pushed = 0;

  get size(): number {
    return this.times.length;
  }

  push(time: number, payload: P): void {
    this.times.push(time);
    this.orders.push(this.pushed++);
    this.payloads.push(payload);
    this.up(this.times.length - 1);
  }

  /** Pops the earliest timer if its time is at most `time`. */
  popUntil(time: number): P | undefined {
    return this.times.length === 0 || this.times[0]! > time ? undefined : this.pop();
  }

  /** Pops the earliest timer if its time is less than `time`. */
  popBefore(time: number): P | undefined {
    return this.times.length === 0 || this.times[0]! >= time ? undefined : this.pop();
  }

  private pop(): P {
    const top = this.payloads[0]!;
    const last = this.times.length - 1;
    this.move(last, 0);
    this.times.pop();
    this.orders.pop();
    this.payloads.pop();
    if (this.times.length > 0) this.down(0);
    return top;
  }

  private before(a: number, b: number): boolean {
    return this.times[a]! < this.times[b]! || (this.times[a] === this.times[b] && this.orders[a]! < this.orders[b]!);
  }

  private up(index: number): void {
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) return;
      this.swap(index, parent);
      index = parent;
    }
  }

  private down(index: number): void {
    const size = this.times.length;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) return;
      const right = left + 1;
      const child = right < size && this.before(right, left) ? right : left;
      if (!this.before(child, index)) return;
      this.swap(index, child);
      index = child;
    }
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.orders[to] = this.orders[from]!;
    this.payloads[to] = this.payloads[from]!;
  }

  private swap(a: number, b: number): void {
    [this.times[a], this.times[b]] = [this.times[b]!, this.times[a]!];
    [this.orders[a], this.orders[b]] = [this.orders[b]!, this.orders[a]!];
    [this.payloads[a], this.payloads[b]] = [this.payloads[b]!, this.payloads[a]!];
  }
}
