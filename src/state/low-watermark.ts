/**
 * The low-watermark of events numbered in arrival order (0, 1, 2, …) that complete in any order: the
 * newest event such that it and every event before it have completed, with the position it carries.
 *
 * @example
 * ```ts
 * const mark = new LowWatermark<string>();
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
  private readonly positions = new Map<number, P>();
  private readonly done = new Set<number>();

  /** Event `index` started; `position` is committed once the watermark reaches it. */
  started(index: number, position: P): void {
    this.positions.set(index, position);
  }

  /** Event `index` completed; returns whether the watermark moved. */
  completed(index: number): boolean {
    this.done.add(index);
    const before = this.index;
    while (this.done.delete(this.index + 1)) {
      this.index += 1;
      this.position = this.positions.get(this.index);
      this.positions.delete(this.index);
    }
    return this.index !== before;
  }
}
