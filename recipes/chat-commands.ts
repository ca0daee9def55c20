/**
 * Recipe 2 — mixi2 chat commands: direct messages (`CHAT_MESSAGE_RECEIVED`) are parsed as commands,
 * routed with ts-pattern, and answered in the same room with `SendChatMessage`, within the rate limit.
 *
 * Run: `npx tsx recipes/chat-commands.ts [--duration <seconds>]`
 * @module
 */
import { catchError, concatMap, filter, map, of, tap, type Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { match, P } from 'ts-pattern';
import { RateGovernor, retryBackoff, type RetryBackoffOptions } from '../src/index.js';
import {
  isChatMessageReceived,
  type ChatMessage,
  type Event,
  type SendChatMessageResponse,
} from '../src/mixi2/index.js';
import type { SendChatMessageArgs } from './api-requests.js';
import { RECIPE_ENV, setting, type Env } from './environment.js';
import { Meter } from './meter.js';
import type { Mixi2Link } from './mixi2-link.js';
import { effectRetry } from './effect-retry.js';
import { startRecipeRun, type RecipeRun } from './recipe-run.js';
import { isMain, runAsMain, type RunRecipesOptions } from './runner.js';

/** A parsed chat command. */
export type ChatCommand =
  | { name: 'help' }
  | { name: 'ping' }
  | { name: 'time' }
  | { name: 'echo'; text: string }
  | { name: 'dice'; count: number; sides: number }
  | { name: 'unknown'; word: string }
  | { name: 'none' };

/**
 * Parses a message: `/help`, `/ping`, `/time`, `/echo <text>`, `/dice [NdM]` (at most 10 dice of 2–1000
 * sides); any other `/word` is `unknown`, plain text is `none`.
 *
 * @example
 * ```ts
 * parseCommand('/dice 2d6'); // { name: 'dice', count: 2, sides: 6 }
 * ```
 */
export function parseCommand(text: string): ChatCommand {
  const found = /^\s*\/(\w+)(?:\s+([\s\S]*))?$/.exec(text);
  if (!found) return { name: 'none' };
  const word = found[1]!.toLowerCase();
  const rest = (found[2] ?? '').trim();
  return match(word)
    .returnType<ChatCommand>()
    .with('help', () => ({ name: 'help' }))
    .with('ping', () => ({ name: 'ping' }))
    .with('time', () => ({ name: 'time' }))
    .with('echo', () => ({ name: 'echo', text: rest }))
    .with('dice', () => {
      const dice = /^(\d{1,2})d(\d{1,4})$/i.exec(rest);
      const count = dice ? Number(dice[1]) : 1;
      const sides = dice ? Number(dice[2]) : 6;
      return count >= 1 && count <= 10 && sides >= 2 && sides <= 1000 ? { name: 'dice', count, sides } : { name: 'unknown', word: `dice ${rest}` };
    })
    .otherwise(() => ({ name: 'unknown', word }));
}

/** What a command answer may depend on besides the command, injectable for tests. */
export interface CommandContext {
  /** Current time, epoch ms. */
  now(): number;
  /** A random number in [0, 1). */
  random(): number;
}

/**
 * The answer to a command, routed with ts-pattern; `undefined` for plain text (no answer).
 *
 * @example
 * ```ts
 * answerCommand({ name: 'ping' }, { now: Date.now, random: Math.random }); // 'pong'
 * ```
 */
export function answerCommand(command: ChatCommand, context: CommandContext): string | undefined {
  return match(command)
    .returnType<string | undefined>()
    .with({ name: 'help' }, () => 'commands: /ping, /time, /echo <text>, /dice [NdM], /help')
    .with({ name: 'ping' }, () => 'pong')
    .with({ name: 'time' }, () => new Date(context.now()).toISOString())
    .with({ name: 'echo', text: '' }, () => 'echo what? try /echo hello')
    .with({ name: 'echo', text: P.string }, ({ text }) => text)
    .with({ name: 'dice' }, ({ count, sides }) => {
      const rolls = Array.from({ length: count }, () => 1 + Math.floor(context.random() * sides));
      return `🎲 ${rolls.join(' + ')}${count > 1 ? ` = ${rolls.reduce((a, b) => a + b, 0)}` : ''}`;
    })
    .with({ name: 'unknown' }, ({ word }) => `unknown command /${word}; try /help`)
    .with({ name: 'none' }, () => undefined)
    .exhaustive();
}

/** What happened to one command. */
export type CommandOutcome =
  | { status: 'answered'; roomId: string; command: ChatCommand['name']; text: string }
  | { status: 'failed'; roomId: string; command: ChatCommand['name']; error: unknown };

/** Options of {@link chatCommandHandler}. */
export interface ChatCommandOptions {
  /** Sends one chat message, usually `link.api.sendChatMessage`. */
  sendChatMessage: (request: SendChatMessageArgs) => Observable<SendChatMessageResponse>;
  /** Clock and dice. @default { now: Date.now, random: Math.random } */
  context?: CommandContext;
  /** The application's own user id: its own messages are ignored. @default none */
  botUserId?: string;
  /** Messages sent in any `window` (mixi2: 20 per minute). @default 20 */
  limit?: number;
  /** The rate-limit window, in ms. @default 60000 */
  window?: number;
  /** Retries of a failed answer. @default { initialDelay: 1000, maxRetries: 3 } */
  retry?: RetryBackoffOptions;
  /** Scheduler of the rate limit and retries. @default asyncScheduler */
  scheduler?: SchedulerLike;
}

/**
 * The handler: chat messages in, answers out. Messages that are not commands (and the bot's own) get no
 * answer; the others are answered in their room, in order, within the rate limit; an answer that keeps
 * failing is reported, not thrown.
 *
 * @example
 * ```ts
 * link.events$.pipe(chatCommandHandler({ sendChatMessage: (r) => link.api.sendChatMessage(r) })).subscribe();
 * ```
 */
export function chatCommandHandler(options: ChatCommandOptions): OperatorFunction<Event, CommandOutcome> {
  const { sendChatMessage, context = { now: Date.now, random: Math.random }, botUserId, limit = 20, window = 60_000, scheduler } = options;
  const retry = effectRetry(options.retry, scheduler);
  // Answers in order, each counted when it really starts (see mentionReplyHandler).
  const governor = new RateGovernor({ rules: () => [{ limit, window }], ...(scheduler ? { scheduler } : {}) });
  const answer = ({ message, command, text }: { message: ChatMessage; command: ChatCommand; text: string }): Observable<CommandOutcome> =>
    sendChatMessage({ roomId: message.roomId, text }).pipe(
      retryBackoff(retry),
      map((): CommandOutcome => ({ status: 'answered', roomId: message.roomId, command: command.name, text })),
      catchError((error: unknown) => of<CommandOutcome>({ status: 'failed', roomId: message.roomId, command: command.name, error })),
    );
  return (source) =>
    source.pipe(
      filter(isChatMessageReceived),
      map((event) => event.body.value.message),
      filter((message): message is ChatMessage => message !== undefined && (botUserId === undefined || message.creatorId !== botUserId)),
      map((message) => {
        const command = parseCommand(message.text);
        return { message, command, text: answerCommand(command, context) };
      }),
      filter((routed): routed is { message: ChatMessage; command: ChatCommand; text: string } => routed.text !== undefined),
      concatMap((routed) => governor.schedule('SendChatMessage', answer(routed))),
    );
}

/**
 * Runs the recipe on a mixi2 link: `in` counts chat messages, `out` answers sent, `errors` answers given up.
 *
 * @example
 * ```ts
 * const run = runChatCommands({ mixi2: connections.mixi2 });
 * ```
 */
export function runChatCommands(links: { mixi2: Mixi2Link }, options: Omit<ChatCommandOptions, 'sendChatMessage'> = {}): RecipeRun {
  const { mixi2 } = links;
  const meter = new Meter();
  const pipeline$ = mixi2.events$.pipe(
    filter(isChatMessageReceived),
    tap(() => meter.add('in')),
    chatCommandHandler({ ...options, sendChatMessage: (request) => mixi2.api.sendChatMessage(request) }),
    map((outcome) => meter.add(outcome.status === 'answered' ? 'out' : 'errors')),
  );
  return startRecipeRun('chat-commands', meter, pipeline$, { reconnects: [mixi2.reconnects$], gaps: [mixi2.gaps$] });
}

/**
 * The recipe as a program (`npx tsx recipes/chat-commands.ts`): options of `runRecipes`.
 *
 * @example
 * ```ts
 * await runRecipes({ ...chatCommandsMain(), duration: 10 });
 * ```
 */
export function chatCommandsMain(env: Env = process.env): RunRecipesOptions {
  const botUserId = setting(env, RECIPE_ENV.mixi2BotUserId);
  return {
    title: 'Recipe 2: mixi2 chat commands',
    services: ['mixi2'],
    env,
    start: (connections) => [runChatCommands({ mixi2: connections.mixi2! }, botUserId === undefined ? {} : { botUserId })],
  };
}

if (isMain(import.meta.url)) void runAsMain(chatCommandsMain());
