import { readFileSync } from 'node:fs';
import { NEVER, of, Subject, throwError } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSources, type Connections } from '../../recipes/connect.js';
import { misskeySettings, mixi2Settings, momentoConfigured, momentoNames, RECIPE_ENV } from '../../recipes/environment.js';
import { Meter } from '../../recipes/meter.js';
import { startRecipeRun } from '../../recipes/recipe-run.js';
import { durationArg, runRecipes } from '../../recipes/runner.js';
import { statusLine, summaryTable } from '../../recipes/status.js';
import { InvalidArgumentError } from '../../src/index.js';
import { buildPostCreatedEvent, startMisskeyEmulator, startMixi2Emulator, startMomentoEmulator } from '../../src/testing/index.js';
import { tinyPolicies, until } from './harness.js';

describe('startRecipeRun', () => {
  it('counts reconnects and gaps while running, stops cleanly and reports a failure', async () => {
    const reconnects = new Subject<void>();
    const gaps = new Subject<void>();
    const meter = new Meter();
    let released = 0;
    const run = startRecipeRun('r', meter, NEVER, { reconnects: [reconnects], gaps: [gaps], release: () => void (released += 1) });
    reconnects.next();
    gaps.next();
    expect(run.counters).toEqual({ in: 0, out: 0, reconnects: 1, gaps: 1, errors: 0 });
    expect(await run.stop()).toBe('stopped');
    reconnects.next();
    expect(run.counters.reconnects).toBe(1);
    expect(released).toBe(1);
    expect(reconnects.observed).toBe(false);

    const failing = startRecipeRun('f', new Meter(), throwError(() => new Error('boom')));
    expect(await failing.done).toBe('failed');
    expect(failing.error).toEqual(new Error('boom'));
    expect(failing.counters.errors).toBe(1);
    expect(await failing.stop()).toBe('failed');
  });
});

describe('status output', () => {
  it('prints per-source counters and a summary table', () => {
    const meter = new Meter();
    meter.add('in', 12);
    meter.add('out', 4);
    const link = { source: 'mixi2' as const, real: false, meter, reconnects$: NEVER, gaps$: NEVER, close: () => undefined };
    expect(statusLine(3000, [link])).toBe('[   3s] mixi2 in 12 out 4 reconnects 0 gaps 0 errors 0');
    const run = startRecipeRun('mention-reply', meter, NEVER);
    expect(summaryTable([run], [link]).split('\n')).toEqual([
      'recipe         status   in  out  reconnects  gaps  errors',
      '-------------  -------  --  ---  ----------  ----  ------',
      'mention-reply  running  12    4           0     0       0',
      '',
      'source  mode      in  out  reconnects  gaps  errors',
      '------  --------  --  ---  ----------  ----  ------',
      'mixi2   emulator  12    4           0     0       0',
    ]);
    void run.stop();
  });

  it('reads --duration', () => {
    expect(durationArg(['--duration', '3'])).toBe(3);
    expect(durationArg(['--duration=0.5'])).toBe(0.5);
    expect(durationArg([])).toBeUndefined();
    expect(() => durationArg(['--duration'])).toThrow(InvalidArgumentError);
    expect(() => durationArg(['--duration', '-1'])).toThrow(/positive number/);
  });
});

describe('environment', () => {
  it('documents every variable it reads in recipes/README.md, under the same name', () => {
    const readme = readFileSync(new URL('../../recipes/README.md', import.meta.url), 'utf8');
    for (const name of Object.values(RECIPE_ENV)) expect(readme, name).toContain(`\`${name}\``);
  });

  it('uses a service for real only when its credentials are complete', () => {
    expect(mixi2Settings({ MIXI2_CLIENT_ID: 'id' })).toBeUndefined();
    expect(mixi2Settings({ MIXI2_CLIENT_ID: 'id', MIXI2_CLIENT_SECRET: 's', MIXI2_STREAM_ADDRESS: 'h:1', MIXI2_AUTH_KEY: ' ' })).toEqual({ clientId: 'id', clientSecret: 's', streamAddress: 'h:1' });
    expect(misskeySettings({ MISSKEY_ORIGIN: 'https://m.example' })).toBeUndefined();
    expect(misskeySettings({ MISSKEY_ORIGIN: 'https://m.example', MISSKEY_TOKEN: 't' })).toEqual({ origin: 'https://m.example', token: 't' });
    expect(momentoConfigured({})).toBe(false);
    expect(momentoConfigured({ MOMENTO_LOCAL_ENDPOINT: '127.0.0.1:1' })).toBe(true);
    expect(momentoNames({ MOMENTO_TOPIC: 'feed' })).toEqual({ cacheName: 'streamrx', topic: 'feed' });
  });
});

describe('connectSources', () => {
  let connections: Connections | undefined;
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await connections?.close();
    connections = undefined;
    for (const server of servers.splice(0)) await server.close();
  });

  it('starts emulators for services without credentials', async () => {
    connections = await connectSources(['mixi2', 'momento'], { env: {}, policies: tinyPolicies });
    expect(connections.mixi2?.real).toBe(false);
    expect(connections.momento?.real).toBe(false);
    expect(connections.misskey).toBeUndefined();
    expect(Object.keys(connections.emulators).filter((k) => k === 'mixi2' || k === 'momento' || k === 'misskey').sort()).toEqual(['mixi2', 'momento']);
  });

  it('uses the servers named in the environment instead (plaintext for loopback mixi2 addresses, as `streamrx emulate` exports them)', async () => {
    const misskey = await startMisskeyEmulator();
    const momento = await startMomentoEmulator({ heartbeatIntervalMs: 0 });
    const mixi2 = await startMixi2Emulator({ pingInterval: Infinity });
    servers.push(misskey, momento, mixi2);
    connections = await connectSources(['mixi2', 'misskey', 'momento'], {
      env: {
        MIXI2_CLIENT_ID: mixi2.clientId,
        MIXI2_CLIENT_SECRET: mixi2.clientSecret,
        MIXI2_TOKEN_URL: mixi2.tokenUrl,
        MIXI2_STREAM_ADDRESS: mixi2.streamAddress,
        MIXI2_API_ADDRESS: mixi2.apiAddress,
        MISSKEY_ORIGIN: misskey.origin,
        MISSKEY_TOKEN: 'admin-token',
        MOMENTO_LOCAL_ENDPOINT: momento.endpoint,
        MOMENTO_CACHE: 'c',
        MOMENTO_TOPIC: 't',
      },
    });
    expect(connections.mixi2?.real).toBe(true);
    expect(connections.emulators.mixi2).toBeUndefined();
    const events: unknown[] = [];
    const stream = connections.mixi2!.events$.subscribe((e) => events.push(e));
    await mixi2.waitForStreams(1);
    mixi2.push(buildPostCreatedEvent({ text: 'over plaintext to a loopback emulator' }));
    await until(() => events.length === 1, 'an event from the configured mixi2');
    stream.unsubscribe();
    await mixi2.waitForStreams(0);
    expect(connections.misskey?.real).toBe(true);
    expect(connections.momento?.real).toBe(true);
    expect(connections.emulators.misskey).toBeUndefined();
    expect(connections.emulators.momento).toBeUndefined();
    const notes: unknown[] = [];
    const subscription = connections.misskey!.channel('localTimeline').subscribe((m) => notes.push(m));
    await until(() => misskey.stats().channels === 1, 'the channel');
    misskey.createNote('alice', { text: 'real enough' });
    await until(() => notes.length === 1, 'a note from the configured server');
    subscription.unsubscribe();
    expect(connections.misskey!.meter.counters.in).toBe(1);
    const published = await new Promise((resolve, reject) => of('x').pipe(connections!.momento!.publish<string>(connections!.momentoNames.topic)).subscribe({ next: resolve, error: reject }));
    expect(published).toEqual({ value: 'x', index: 0 });
    expect(momento.topic('c', 't').lastSequenceNumber).toBe(1);
  });
});

describe('runRecipes', () => {
  it('ends once every recipe has ended, and exits non-zero when one failed', async () => {
    const lines: string[] = [];
    const outcome = await runRecipes({
      title: 'failing',
      services: [],
      traffic: false,
      duration: 30,
      write: (line) => lines.push(line),
      start: () => [startRecipeRun('boom', new Meter(), throwError(() => new Error('pipeline broke')))],
    });
    expect(outcome.exitCode).toBe(1);
    expect(lines).toContain('stopped: every recipe ended');
    expect(lines).toContain('boom failed: Error: pipeline broke');
    expect(lines.flatMap((l) => l.split('\n')).some((l) => /^boom\s+failed\s+0\s+0\s+0\s+0\s+1$/.test(l))).toBe(true);
  });
});
