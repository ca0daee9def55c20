import { VirtualAction, VirtualTimeScheduler } from 'rxjs';

/**
 * Virtual time for tests that also do real I/O: time stands still until `advance()` runs the actions due
 * at the earliest scheduled time. The emulator takes `now` as its clock, the client the scheduler.
 */
export class SteppedClock {
  readonly scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
  readonly now = (): number => this.scheduler.now();

  /** Moves to the earliest scheduled time and runs what is due then; false when nothing is scheduled. */
  advance(): boolean {
    const next = this.scheduler.actions[0];
    if (next === undefined) return false;
    this.scheduler.maxFrames = next.delay;
    this.scheduler.flush();
    return true;
  }

  /** Whether any timer is scheduled. */
  get pending(): number {
    return this.scheduler.actions.length;
  }
}
