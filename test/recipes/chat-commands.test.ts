import { of } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { answerCommand, chatCommandHandler, parseCommand, runChatCommands } from '../../recipes/chat-commands.js';
import { mixi2LinkTo } from '../../recipes/connect.js';
import type { SendChatMessageResponse } from '../../src/mixi2/index.js';
import { buildChatMessageReceivedEvent, buildPostCreatedEvent, marbles } from '../../src/testing/index.js';
import { RecipeBed, tinyPolicies, until, vitestEqual } from './harness.js';

const context = { now: () => Date.UTC(2026, 10, 27, 12, 0, 0), random: () => 0.5 };
const chat = (text: string, roomId = 'room-1') => buildChatMessageReceivedEvent({ text, roomId });
const sent: SendChatMessageResponse = { message: undefined };

describe('parseCommand / answerCommand', () => {
  it('parses the commands and answers each', () => {
    expect(parseCommand('/dice 2d6')).toEqual({ name: 'dice', count: 2, sides: 6 });
    expect(parseCommand('/dice')).toEqual({ name: 'dice', count: 1, sides: 6 });
    expect(parseCommand('/dice 99d6')).toEqual({ name: 'unknown', word: 'dice 99d6' });
    expect(parseCommand('  /ECHO  hello  world ')).toEqual({ name: 'echo', text: 'hello  world' });
    expect(parseCommand('/nope')).toEqual({ name: 'unknown', word: 'nope' });
    expect(parseCommand('hello /ping')).toEqual({ name: 'none' });
    expect(answerCommand({ name: 'ping' }, context)).toBe('pong');
    expect(answerCommand({ name: 'time' }, context)).toBe('2026-11-27T12:00:00.000Z');
    expect(answerCommand({ name: 'dice', count: 2, sides: 6 }, context)).toBe('🎲 4 + 4 = 8');
    expect(answerCommand({ name: 'echo', text: '' }, context)).toMatch(/echo what/);
    expect(answerCommand({ name: 'unknown', word: 'nope' }, context)).toMatch(/unknown command \/nope/);
    expect(answerCommand({ name: 'none' }, context)).toBeUndefined();
  });
});

describe('chatCommandHandler (marbles)', () => {
  it('answers commands in their room, in order, and ignores plain text, posts and its own messages', () =>
    marbles(({ cold, expectObservable }) => {
      const requests: unknown[] = [];
      const handler = chatCommandHandler({ context, botUserId: 'app-bot', sendChatMessage: (r) => (requests.push(r), cold('--s|', { s: sent })) });
      const source = cold('abcde', {
        a: chat('/ping', 'room-a'),
        b: chat('just saying hi'),
        c: buildPostCreatedEvent({ text: '/ping' }),
        d: buildChatMessageReceivedEvent({ text: '/ping', creatorId: 'app-bot' }),
        e: chat('/echo hey', 'room-e'),
      });
      expectObservable(source.pipe(handler)).toBe('--x---y', {
        x: { status: 'answered', roomId: 'room-a', command: 'ping', text: 'pong' },
        y: { status: 'answered', roomId: 'room-e', command: 'echo', text: 'hey' },
      });
    }, vitestEqual));

  it('keeps within the rate limit', () =>
    marbles(({ cold, expectObservable }) => {
      const handler = chatCommandHandler({ context, limit: 1, window: 50, sendChatMessage: () => of(sent) });
      expectObservable(cold('(ab)', { a: chat('/ping'), b: chat('/ping') }).pipe(handler)).toBe('x 49ms y', {
        x: { status: 'answered', roomId: 'room-1', command: 'ping', text: 'pong' },
        y: { status: 'answered', roomId: 'room-1', command: 'ping', text: 'pong' },
      });
    }, vitestEqual));
});

describe('runChatCommands (emulator)', () => {
  const bed = new RecipeBed();
  afterEach(() => bed.dispose());

  it('answers direct messages through SendChatMessage', async () => {
    const { mixi2: emulator } = await bed.start(['mixi2']);
    if (!emulator) throw new Error('no emulator');
    const run = bed.run(runChatCommands({ mixi2: bed.link(mixi2LinkTo(emulator, tinyPolicies)) }, { context }));
    await emulator.waitForStreams(1);
    emulator.push([chat('/ping', 'room-x'), chat('hello'), chat('/echo 猫', 'room-y')]);
    await until(() => run.counters.out === 2, 'two answers');
    expect(emulator.store.messages.map((m) => [m.roomId, m.text])).toEqual([
      ['room-x', 'pong'],
      ['room-y', '猫'],
    ]);
    expect(run.counters).toMatchObject({ in: 3, out: 2, errors: 0 });
  });
});
