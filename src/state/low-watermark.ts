/**
 * The low-watermark of events numbered in arrival order (0, 1, 2, …) that complete in any order: the
 * newest event such that it and every event before it have completed, with the position it carries.
 * Events are started at most `window` indexes after the watermark, so their state lives in a ring of
 * `window` slots (no allocation per event).
 *
 * @example
 * ```ts
 * const mark = new LowWatermark<string>(16);
 * mark.started(0, 'a'); mark.started(1, 'b');
 * mark.completed(1); // mark.index === -1: event 0 is still running
 * mark.completed(0); // mark.index === 1, mark.position === 'b'
 * ```
 */
export class LowWatermark<P> {
  /** The newest index such that it and all before it completed; -1 before any. */
  index = -1;
  /** The position of the event at {@link index}. */
  position: P | undefined;
  private readonly positions: Array<P | undefined>;
  private readonly done: boolean[];

  /** @param window - how far after the watermark an event may start (the concurrency). */
  constructor(private readonly window: number) {
    this.positions = new Array<P | undefined>(window + 1);
    this.done = new Array<boolean>(window + 1).fill(false);
  }

  /** Event `index` (at most `window` after the watermark) started; `position` is committed once the watermark reaches it. */
  started(index: number, position: P): void {
    const slot = index % (this.window + 1);
    this.positions[slot] = position;
    this.done[slot] = false;
  }

  /** Event `index` completed; returns whether the watermark moved. */
  completed(index: number): boolean {
    const size = this.window + 1;
    this.done[index % size] = true;
    const before = this.index;
    for (let slot = (this.index + 1) % size; this.done[slot]; slot = (this.index + 1) % size) {
      this.done[slot] = false;
      this.index += 1;
      this.position = this.positions[slot];
      this.positions[slot] = undefined;
    }
    return this.index !== before;
  }
}
