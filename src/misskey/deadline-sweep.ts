/**
 * Requests in flight with their deadlines, checked by one timer (ticks of the shortest limit / 8) while any
 * is pending: one shared timer instead of a timer (or an `AbortController`) per request.
 * @example
 * ```ts
 * const deadlines = new DeadlineSweep<ClientRequest>((timeoutMs) => new RequestTimeoutError(`no answer within ${timeoutMs} ms`), (req, error) => req.destroy(error));
 * deadlines.watch(request, 30_000); // destroyed with the error if still pending after 30 to 33.75 s
 * deadlines.settled(request);        // on its answer
 * ```
 */
export class DeadlineSweep<R> {
  private readonly pending = new Map<R, { deadline: number; timeoutMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private period = Infinity;

  constructor(
    private readonly errorOf: (timeoutMs: number) => Error,
    private readonly end: (request: R, error: Error) => void,
  ) {}

  /** Watches `request`: ended with `errorOf(timeoutMs)` when still pending between `timeoutMs` and `timeoutMs × 9/8` from now. */
  watch(request: R, timeoutMs: number): void {
    if (!Number.isFinite(timeoutMs)) return;
    this.pending.set(request, { deadline: Date.now() + timeoutMs, timeoutMs });
    const period = Math.max(1, timeoutMs / 8);
    if (this.timer !== undefined && period >= this.period) return;
    clearInterval(this.timer);
    this.period = period;
    this.timer = setInterval(() => this.sweep(), period);
  }

  /** Stops watching `request` (answered, failed or cancelled); the timer stops with the last one. */
  settled(request: R | undefined): void {
    if (request === undefined || !this.pending.delete(request) || this.pending.size > 0) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.period = Infinity;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [request, { deadline, timeoutMs }] of this.pending) {
      if (deadline > now) continue;
      this.settled(request);
      this.end(request, this.errorOf(timeoutMs));
    }
  }
}
