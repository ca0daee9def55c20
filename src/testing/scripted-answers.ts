/**
 * Answers queued for the next calls of an emulator (`failNext`, `rateLimitNext`): each entry answers its
 * next `remaining` calls, of one endpoint or of any, in the order the entries were queued.
 *
 * @example
 * ```ts
 * const scripted = new ScriptedAnswers<number>();
 * scripted.add(2, 'notes/create', () => 500);
 * scripted.take('notes/create'); // 500
 * ```
 */
export class ScriptedAnswers<Answer> {
  private readonly entries: Array<{ endpoint: string | undefined; remaining: number; answer: () => Answer }> = [];

  /** Queues `answer` for the next `count` calls (of `endpoint`, or of any endpoint when undefined). */
  add(count: number, endpoint: string | undefined, answer: () => Answer): void {
    if (count > 0) this.entries.push({ endpoint, remaining: count, answer });
  }

  /** The scripted answer of a call of `endpoint`, using it up; `undefined` when none applies. */
  take(endpoint: string): Answer | undefined {
    const entry = this.entries.find((e) => e.endpoint === undefined || e.endpoint === endpoint);
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.entries.splice(this.entries.indexOf(entry), 1);
    return entry.answer();
  }
}
