import { MomentoLocalProvider, NoopMomentoLoggerFactory, TopicClient, TopicConfigurations, type CredentialProvider } from '@gomomento/sdk';
import { filter, firstValueFrom, ReplaySubject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../src/core/connection-state.js';
import { clientTimeoutOf, FirstStreamDeadline } from '../../src/momento/first-stream-deadline.js';
import { topicItems, type TopicEvent, type TopicItemEvent, type TopicSubscriber } from '../../src/momento/index.js';
import { momentoLink } from '../../recipes/momento-link.js';
import { MomentoTestBed } from './harness.js';

const CACHE = 'cache';
const TIMEOUT_MS = 300;
const isItem = (e: TopicEvent): e is TopicItemEvent => e.type === 'item';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let time = 1_000;
  return { now: () => time, advance: (ms) => (time += ms) };
}

describe('FirstStreamDeadline (recognising the SDK cut by its timing)', () => {
  it('takes the first stream ending at its deadline after an answer as the cut, both callbacks, once', () => {
    const clock = manualClock();
    const deadline = new FirstStreamDeadline(TIMEOUT_MS, clock.now);
    deadline.messageArrived();
    clock.advance(TIMEOUT_MS);
    expect(deadline.isDeadlineCut('connection-lost')).toBe(true);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(true);
    deadline.messageArrived();
    clock.advance(10 * TIMEOUT_MS);
    expect(deadline.isDeadlineCut('connection-lost')).toBe(false);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(false);
  });

  it('takes the cut also when the SDK skips onConnectionLost (flag shared by the channel)', () => {
    const clock = manualClock();
    const deadline = new FirstStreamDeadline(TIMEOUT_MS, clock.now);
    deadline.messageArrived();
    clock.advance(TIMEOUT_MS + 40);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(true);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(false);
  });

  it('reports an end before the deadline as a loss, and every later end too', () => {
    const clock = manualClock();
    const deadline = new FirstStreamDeadline(TIMEOUT_MS, clock.now);
    deadline.messageArrived();
    clock.advance(TIMEOUT_MS / 2);
    expect(deadline.isDeadlineCut('connection-lost')).toBe(false);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(false);
    deadline.messageArrived();
    clock.advance(TIMEOUT_MS);
    expect(deadline.isDeadlineCut('subscription-end')).toBe(false);
  });

  it('reports a first stream that never answered, and any end without a known timeout', () => {
    const clock = manualClock();
    const silent = new FirstStreamDeadline(TIMEOUT_MS, clock.now);
    const unknown = new FirstStreamDeadline(undefined, clock.now);
    unknown.messageArrived();
    clock.advance(TIMEOUT_MS);
    expect(silent.isDeadlineCut('connection-lost')).toBe(false);
    expect(unknown.isDeadlineCut('connection-lost')).toBe(false);
  });

  it('reads the client timeout of a real TopicClient, and none from a stand-in', () => {
    const client = sdkDefaultClient(new MomentoLocalProvider({ hostname: '127.0.0.1', port: 1 }));
    const standIn: TopicSubscriber = { subscribe: (...args) => client.subscribe(...args) };
    expect(clientTimeoutOf(client)).toBe(TIMEOUT_MS);
    expect(clientTimeoutOf(standIn)).toBeUndefined();
  });
});

/** A real TopicClient with the SDK's own defaults (a 500 ms resubscribe delay) but a short client timeout. */
function sdkDefaultClient(credentialProvider: CredentialProvider): TopicClient {
  const configuration = TopicConfigurations.Default.latest(new NoopMomentoLoggerFactory())
    .withClientTimeoutMillis(TIMEOUT_MS)
    .withNumStreamConnections(1)
    .withNumUnaryConnections(1);
  return new TopicClient({ credentialProvider, configuration });
}

describe('a healthy subscription across the SDK first-stream deadline (real SDK, emulator)', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('stays open, counts no reconnect, delivers across the cut once and in order; a real drop still reconnects', async () => {
    const emulator = await bed.emulator();
    const client = sdkDefaultClient(emulator.credentialProvider());
    const states$ = new ReplaySubject<ConnectionState>();
    const items = bed.record(topicItems(client, CACHE, 't', { onStateChange: (s) => states$.next(s) }));
    const link = momentoLink(client, CACHE);
    const linked = bed.record(link.events('t').pipe(filter(isItem)));
    await emulator.waitFor(() => emulator.streams().length === 2, 'both first streams');
    emulator.publish(CACHE, 't', 'before');
    await emulator.waitFor(() => emulator.streams().length === 0, 'the deadline to cut both first streams');
    emulator.publish(CACHE, 't', 'during');
    await emulator.waitFor(() => emulator.subscribeRequests.length === 4 && emulator.streams().length === 2, 'the SDK to resume both');
    emulator.publish(CACHE, 't', 'after');
    const values = async (recording: typeof items): Promise<unknown[]> => (await recording.next(3)).map((i) => i.value);
    expect(await values(items)).toEqual(['before', 'during', 'after']);
    expect(await values(linked)).toEqual(['before', 'during', 'after']);
    expect(emulator.subscribeRequests.map((r) => r.resumeAtSequenceNumber)).toEqual([0, 0, 2, 2]);
    const reconnecting = firstValueFrom(states$.pipe(filter((s) => s === 'reconnecting')));
    const linkReconnect = firstValueFrom(link.reconnects$);
    expect(link.meter.counters.reconnects).toBe(0);
    expect(replayed(states$)).toEqual(['connecting', 'open']);

    emulator.dropConnections();
    await Promise.all([reconnecting, linkReconnect]);
    await emulator.waitFor(() => emulator.streams().length === 2, 'the SDK to resubscribe after the drop');
    emulator.publish(CACHE, 't', 'after-drop');
    expect((await items.next(4)).map((i) => i.value)).toEqual(['before', 'during', 'after', 'after-drop']);
    expect(link.meter.counters.reconnects).toBe(1);
    expect(replayed(states$)).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });
});

/** What a ReplaySubject holds now. */
function replayed<T>(subject: ReplaySubject<T>): T[] {
  const values: T[] = [];
  subject.subscribe((v) => values.push(v)).unsubscribe();
  return values;
}
