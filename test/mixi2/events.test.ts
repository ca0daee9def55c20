import { status } from '@grpc/grpc-js';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionLostError, IdleTimeoutError, InvalidArgumentError, PermissionError } from '../../src/core/errors.js';
import { isPostCreated, mixi2Client, type Event } from '../../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildPingEvent, buildPostCreatedEvent } from '../../src/testing/mixi2/index.js';
import { fastPolicy, startWorld, until, type World } from './harness.js';

let world: World | undefined;
afterEach(async () => {
  const w = world;
  world = undefined;
  if (!w) return;
  for (const s of w.subscriptions) s.unsubscribe();
  await w.emulator.waitForStreams(0);
  expect(w.emulator.stats().openStreams).toBe(0);
  // The client closed its channel too: no socket is left on the stream address.
  await until(() => w.emulator.stats().connections === 0, 'stream sockets closed');
  await w.close();
});

const ids = (events: Event[]): string[] => events.map((e) => e.eventId);

describe('mixi2 client.events()', () => {
  it('emits every event of a multi-event response in order, and no ping', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    await emulator.waitForStreams(1);
    emulator.push([buildPostCreatedEvent({}, { eventId: 'a' }), buildPingEvent('p1'), buildChatMessageReceivedEvent({}, { eventId: 'b' }), buildPostCreatedEvent({}, { eventId: 'c' })]);
    emulator.ping();
    emulator.push(buildPostCreatedEvent({}, { eventId: 'd' }));
    await until(() => got.values.length >= 4, 'four events');
    expect(ids(got.values)).toEqual(['a', 'b', 'c', 'd']);
    expect(got.errors).toEqual([]);
  });

  it('sends a bearer token from the token endpoint and is lazy until subscribed', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const events$ = client.events();
    expect(emulator.stats().tokenRequests).toBe(0);
    expect(emulator.stats().streamRequests).toBe(0);
    const got = world.collect(events$);
    await emulator.waitForStreams(1);
    expect(emulator.stats().tokenRequests).toBe(1);
    emulator.push(buildPostCreatedEvent({ text: 'hello' }));
    await until(() => got.values.length === 1);
    const [event] = got.values.filter(isPostCreated);
    expect(event?.body.value.post?.text).toBe('hello');
  });

  it('keeps events flowing across a dropped connection, waiting as the policy says, and reports the gap', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const delays: number[] = [];
    const gaps = world.collect(client.gaps$);
    const states = world.collect(client.state$);
    const got = world.collect(client.events({ reconnect: { ...fastPolicy, onRetry: ({ delay }) => delays.push(delay) } }));
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'before' }));
    await until(() => got.values.length === 1);
    emulator.dropConnections();
    await emulator.waitForStreams(0);
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'after' }));
    await until(() => got.values.length === 2);
    expect(ids(got.values)).toEqual(['before', 'after']);
    expect(delays[0]).toBe(5);
    expect(gaps.values).toHaveLength(1);
    expect(gaps.values[0]).toMatchObject({ attempt: 1, lastEventId: 'before' });
    expect(states.values).toEqual(['closed', 'connecting', 'open', 'reconnecting', 'open']);
    expect(got.errors).toEqual([]);
  });

  it('reconnects after a clean end by the server instead of completing', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'one' }));
    await until(() => got.values.length === 1);
    emulator.endStreams({ code: status.OK });
    await until(() => emulator.stats().streamRequests === 2, 'second subscribe');
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'two' }));
    await until(() => got.values.length === 2);
    expect(got.completed()).toBe(false);
    expect(ids(got.values)).toEqual(['one', 'two']);
  });

  it('gives up after three failed reconnects with the last error, delays doubling', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const delays: number[] = [];
    const got = world.collect(client.events({ reconnect: { ...fastPolicy, onRetry: ({ delay }) => delays.push(delay) } }));
    await emulator.waitForStreams(1);
    // Every later subscribe is refused by the server, so no reconnect delivers and the budget runs out.
    const refuse = (): void => void emulator.endStreams({ code: status.UNAVAILABLE, details: 'maintenance' });
    const sub = emulator.openStreams$.pipe(filter((n) => n > 0)).subscribe(refuse);
    await until(() => got.errors.length === 1, 'terminal error');
    sub.unsubscribe();
    expect(delays).toEqual([5, 10, 20]);
    expect(emulator.stats().streamRequests).toBe(4);
    expect(got.errors[0]).toBeInstanceOf(ConnectionLostError);
    expect((got.errors[0] as Error).message).toContain('UNAVAILABLE');
  });

  it('detects a stalled stream with the watchdog and recovers', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const errors: unknown[] = [];
    const got = world.collect(client.events({ idleTimeout: 150, reconnect: { ...fastPolicy, onRetry: ({ error }) => errors.push(error) } }));
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'x' }));
    await until(() => got.values.length === 1);
    emulator.stall();
    await until(() => emulator.stats().streamRequests === 2, 'reconnect after stall');
    await until(() => emulator.stats().openStreams === 1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'y' }));
    await until(() => got.values.some((e) => e.eventId === 'y'));
    expect(errors[0]).toBeInstanceOf(IdleTimeoutError);
    expect(got.errors).toEqual([]);
  });

  it('counts pings as life: a pinging idle stream is not replaced', async () => {
    world = await startWorld({ emulator: { pingInterval: 20 } });
    const { emulator, client } = world;
    const got = world.collect(client.events({ idleTimeout: 1000, reconnect: fastPolicy }));
    await emulator.waitForStreams(1);
    // 80 pings take at least 1.6 s, well past the 1 s watchdog, which never fires because pings keep coming.
    // (The margin between ping interval and watchdog is wide so that a loaded machine's pauses do not trip it.)
    await until(() => emulator.stats().pingsSent >= 80, 'eighty pings', 20_000);
    expect(emulator.stats().streamRequests).toBe(1);
    expect(got.values).toEqual([]);
    expect(got.errors).toEqual([]);
  });

  it('refreshes an expired token mid-stream without a terminal error', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    await emulator.waitForStreams(1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'e1' }));
    await until(() => got.values.length === 1);
    emulator.expireTokens();
    await until(() => emulator.stats().tokenRequests === 2, 'token refresh');
    await until(() => emulator.stats().openStreams === 1);
    emulator.push(buildPostCreatedEvent({}, { eventId: 'e2' }));
    await until(() => got.values.length === 2);
    expect(ids(got.values)).toEqual(['e1', 'e2']);
    expect(got.errors).toEqual([]);
  });

  it('ends with AuthenticationError after one token request when the client secret is bad', async () => {
    world = await startWorld({ auth: { clientSecret: 'wrong-secret' } });
    const { emulator, client } = world;
    const error = await firstValueFrom(client.events({ reconnect: fastPolicy })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(String((error as Error).message)).not.toContain('wrong-secret');
    expect(emulator.stats().tokenRequests).toBe(1);
    expect(emulator.stats().streamRequests).toBe(0);
  });

  it('refreshes the token once on UNAUTHENTICATED, then ends with AuthenticationError', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    emulator.rejectCredentials(true, { only: 'tokens' });
    const error = await firstValueFrom(client.events({ reconnect: fastPolicy })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(emulator.stats().tokenRequests).toBe(2);
    expect(emulator.stats().streamRequests).toBe(2);
  });

  it('does not loop when streams open and are refused before delivering anything', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    // Tokens are invalidated the moment a stream opens: the refreshed token's stream fails as well.
    const sub = emulator.openStreams$.pipe(filter((n) => n > 0)).subscribe(() => emulator.expireTokens());
    await until(() => got.errors.length === 1);
    sub.unsubscribe();
    expect(got.errors[0]).toBeInstanceOf(AuthenticationError);
    expect(emulator.stats().streamRequests).toBe(2);
  });

  it('treats PERMISSION_DENIED as terminal', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    emulator.denyPermission();
    const error = await firstValueFrom(client.events({ reconnect: fastPolicy })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermissionError);
    expect(emulator.stats().streamRequests).toBe(1);
  });

  it('cancels the call on unsubscribe, with no CANCELLED error and no open stream left', async () => {
    world = await startWorld();
    const { emulator, client } = world;
    const got = world.collect(client.events({ reconnect: fastPolicy }));
    const states = world.collect(client.state$);
    await emulator.waitForStreams(1);
    got.subscription.unsubscribe();
    await emulator.waitForStreams(0);
    expect(got.errors).toEqual([]);
    expect(states.values.at(-1)).toBe('closed');
  });

  it('refuses bad options with InvalidArgumentError', async () => {
    world = await startWorld();
    const error = await firstValueFrom(world.client.events({ idleTimeout: -1 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(() => mixi2Client({ auth: { token: async () => 't' }, streamAddress: '' })).toThrow(InvalidArgumentError);
    expect(world.emulator.stats().streamRequests).toBe(0);
  });
});
