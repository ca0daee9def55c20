import type { Watermark } from './event-time-element.js';

/**
 * The watermark of several inputs: the minimum over the live ones. An idle input (its last watermark
 * said `idle`) or a completed one stops holding it back; an idle input is live again at its next value.
 * When every input left is idle, the minimum over those is taken and the output is idle too; when all
 * have completed it is `+Infinity`. The output never moves back.
 */
export class WatermarkMerger {
  private readonly marks: number[];
  private readonly idle: boolean[];
  private readonly done: boolean[];
  private current = -Infinity;
  private outputIdle = false;

  constructor(inputs: number) {
    this.marks = new Array<number>(inputs).fill(-Infinity);
    this.idle = new Array<boolean>(inputs).fill(false);
    this.done = new Array<boolean>(inputs).fill(false);
  }

  /** The merged watermark so far. */
  get time(): number {
    return this.current;
  }

  /** Input `index` delivered a value: it is live again. */
  valueFrom(index: number): void {
    if (!this.idle[index]) return;
    this.idle[index] = false;
    this.outputIdle = false;
  }

  /** Input `index` delivered a watermark; returns the merged watermark to emit, if it moved or went idle. */
  watermarkFrom(index: number, mark: Watermark): Watermark | undefined {
    if (mark.time > this.marks[index]!) this.marks[index] = mark.time;
    this.idle[index] = mark.idle === true;
    return this.next();
  }

  /** Input `index` completed; returns the merged watermark to emit, if it moved. */
  completed(index: number): Watermark | undefined {
    this.done[index] = true;
    return this.next();
  }

  private next(): Watermark | undefined {
    let live = Infinity;
    let idle = Infinity;
    let anyLive = false;
    for (let i = 0; i < this.marks.length; i++) {
      if (this.done[i]) continue;
      if (this.idle[i]) idle = Math.min(idle, this.marks[i]!);
      else {
        anyLive = true;
        live = Math.min(live, this.marks[i]!);
      }
    }
    const allIdle = !anyLive && idle !== Infinity;
    const time = anyLive ? live : idle;
    const wentIdle = allIdle && !this.outputIdle;
    this.outputIdle = allIdle;
    if (time > this.current) {
      this.current = time;
      return allIdle ? { type: 'watermark', time, idle: true } : { type: 'watermark', time };
    }
    return wentIdle ? { type: 'watermark', time: this.current, idle: true } : undefined;
  }
}
