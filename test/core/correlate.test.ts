import { describe, expect, it } from 'vitest';
import { TestScheduler } from 'rxjs/testing';
import { VirtualTimeScheduler, firstValueFrom, lastValueFrom, merge, toArray } from 'rxjs';
import { ConnectionLostError, RequestTimeoutError, correlate } from '../../src/index.js';

function shuffle<T>(items: T[], seed = 42): T[] {
  let state = seed;
  const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe('correlate', () => {
  it('routes 10,000 in-flight responses to the right callers in any order', async () => {
    const requests = correlate<string>({ timeout: Infinity });
    const sent: string[] = [];
    const answers = Array.from({ length: 10_000 }, (_, i) =>
      firstValueFrom(requests.request((id) => sent.push(`${id}:${i}`))).then((answer) => [i, answer] as const),
    );
    expect(requests.pending).toBe(10_000);
    for (const frame of shuffle([...sent])) {
      const [id, caller] = frame.split(':');
      expect(requests.resolve(id!, `answer for ${caller}`)).toBe(true);
    }
    for (const [caller, answer] of await Promise.all(answers)) expect(answer).toBe(`answer for ${caller}`);
    expect(requests.pending).toBe(0);
  });

  it('ignores responses with unknown ids and late responses', async () => {
    const requests = correlate<number>();
    let id = '';
    const answer = firstValueFrom(requests.request((i) => (id = i)));
    expect(requests.resolve('nope', 1)).toBe(false);
    expect(requests.resolve(id, 2)).toBe(true);
    expect(requests.resolve(id, 3)).toBe(false);
    expect(await answer).toBe(2);
  });

  it('times out exactly the requests that got no answer, within timeout..timeout×9/8', () => {
    new TestScheduler((a, e) => expect(a).toEqual(e)).run(({ expectObservable, cold }) => {
      const requests = correlate<string>({ timeout: 80 });
      const ids: string[] = [];
      const slow = requests.request((id) => ids.push(id));
      const fast = requests.request((id) => ids.push(id));
      cold('5ms a').subscribe(() => requests.resolve(ids[1]!, 'fast'));
      expectObservable(slow).toBe('90ms #', undefined, new RequestTimeoutError('no response to request 1 within 80 ms'));
      expectObservable(fast).toBe('5ms (a|)', { a: 'fast' });
    });
  });

  it('fails every pending request with ConnectionLostError when the link drops, and only those', async () => {
    const requests = correlate<number>();
    const ids: string[] = [];
    const answered = firstValueFrom(requests.request((id) => ids.push(id)));
    requests.resolve(ids[0]!, 7);
    const pending = [1, 2, 3].map(() => lastValueFrom(requests.request((id) => ids.push(id)).pipe(toArray())));
    requests.failAll();
    expect(await answered).toBe(7);
    for (const request of pending) await expect(request).rejects.toBeInstanceOf(ConnectionLostError);
    expect(requests.pending).toBe(0);
  });

  it('forgets an unsubscribed request and stops its timer', () => {
    const virtual = new VirtualTimeScheduler();
    const requests = correlate<number>({ timeout: 1000, scheduler: virtual });
    let id = '';
    const subscription = requests.request((i) => (id = i)).subscribe();
    expect(requests.pending).toBe(1);
    subscription.unsubscribe();
    expect(requests.pending).toBe(0);
    expect(requests.resolve(id, 1)).toBe(false);
    expect(virtual.actions.filter((a) => !a.closed)).toHaveLength(0);
  });

  it('fails a request whose send throws, and forgets it', async () => {
    const requests = correlate<number>();
    await expect(firstValueFrom(requests.request(() => {
      throw new Error('socket not open');
    }))).rejects.toThrow('socket not open');
    expect(requests.pending).toBe(0);
  });

  it('works outside run() with an injected scheduler', () => {
    const virtual = new VirtualTimeScheduler();
    const requests = correlate<number>({ timeout: 100, scheduler: virtual });
    const outcomes: string[] = [];
    merge(requests.request(() => undefined)).subscribe({ error: (e) => outcomes.push(`${e.name}@${virtual.now()}`) });
    virtual.flush();
    expect(outcomes).toEqual(['RequestTimeoutError@112.5']);
  });
});
