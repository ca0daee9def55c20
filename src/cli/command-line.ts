import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ChannelName } from '../misskey/index.js';
import { UsageError } from './cli-errors.js';
import { isMisskeyChannel, misskeyChannels } from './misskey-channels.js';

/**
 * The help pages `--help` can show.
 *
 * @example
 * ```ts
 * const topic: HelpTopic = 'tail misskey';
 * ```
 */
export type HelpTopic = 'streamrx' | 'emulate' | 'tail' | 'tail mixi2' | 'tail misskey' | 'tail momento';

/**
 * Options every `tail` subcommand takes.
 *
 * @example
 * ```ts
 * const options: TailOptions = { emulator: true, limit: 10, quiet: false };
 * ```
 */
export interface TailOptions {
  /** Start the matching emulator in-process and feed it synthetic traffic (`--emulator`). @default false */
  emulator: boolean;
  /** Stop after this many events (`--limit`). @default undefined (no limit) */
  limit: number | undefined;
  /** No informational diagnostics on stderr (`--quiet`). @default false */
  quiet: boolean;
}

/**
 * A parsed `streamrx` command line.
 *
 * @example
 * ```ts
 * const command: Command = { kind: 'tail momento', tail: { emulator: false, limit: undefined, quiet: false }, cache: 'c', topic: 't' };
 * ```
 */
export type Command =
  | { kind: 'help'; topic: HelpTopic }
  | { kind: 'version' }
  | { kind: 'emulate'; misskeyPort: number; momentoPort: number; traffic: boolean; quiet: boolean }
  | { kind: 'tail mixi2'; tail: TailOptions }
  | { kind: 'tail misskey'; tail: TailOptions; channel: ChannelName; params: Record<string, unknown> | undefined; ackTimeout: number }
  | { kind: 'tail momento'; tail: TailOptions; cache: string; topic: string };

type Options = NonNullable<ParseArgsConfig['options']>;

const helpOption: Options = { help: { type: 'boolean', short: 'h' } };
const tailOptions: Options = {
  ...helpOption,
  emulator: { type: 'boolean' },
  limit: { type: 'string', short: 'n' },
  quiet: { type: 'boolean', short: 'q' },
};
const tailSources = ['mixi2', 'misskey', 'momento'] as const;

/**
 * Parses the arguments after `streamrx` (with `node:util` `parseArgs`, strict). `--help`/`-h` anywhere
 * asks for the help of the deepest command named before it; a wrong command line throws {@link UsageError}.
 *
 * @example
 * ```ts
 * parseCommandLine(['tail', 'misskey', 'localTimeline', '--limit', '3']);
 * // { kind: 'tail misskey', channel: 'localTimeline', tail: { limit: 3, emulator: false, quiet: false }, … }
 * ```
 */
export function parseCommandLine(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given', 'streamrx');
  if (first === 'emulate') return parseEmulate(rest);
  if (first === 'tail') return parseTail(rest);
  if (first.startsWith('-')) return parseTopLevel(argv);
  throw new UsageError(`unknown command "${first}" (commands: emulate, tail)`, 'streamrx');
}

function parseTopLevel(argv: readonly string[]): Command {
  const { values } = parse(argv, { ...helpOption, version: { type: 'boolean', short: 'V' } }, 'streamrx', 0);
  if (values['version'] === true) return { kind: 'version' };
  return { kind: 'help', topic: 'streamrx' };
}

function parseEmulate(argv: readonly string[]): Command {
  if (wantsHelp(argv)) return { kind: 'help', topic: 'emulate' };
  const options: Options = {
    ...helpOption,
    'misskey-port': { type: 'string' },
    'momento-port': { type: 'string' },
    traffic: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
  };
  const { values } = parse(argv, options, 'emulate', 0);
  return {
    kind: 'emulate',
    misskeyPort: port(values['misskey-port'], '--misskey-port'),
    momentoPort: port(values['momento-port'], '--momento-port'),
    traffic: values['traffic'] === true,
    quiet: values['quiet'] === true,
  };
}

function parseTail(argv: readonly string[]): Command {
  const [source, ...rest] = argv;
  const known = tailSources.find((s) => s === source);
  if (known === undefined) {
    if (wantsHelp(argv)) return { kind: 'help', topic: 'tail' };
    const what = source === undefined || source.startsWith('-') ? 'tail needs a source' : `unknown source "${source}"`;
    throw new UsageError(`${what}: mixi2, misskey or momento`, 'tail');
  }
  if (wantsHelp(rest)) return { kind: 'help', topic: `tail ${known}` };
  if (known === 'mixi2') {
    const topic = 'tail mixi2';
    const { values } = parse(rest, tailOptions, topic, 0);
    return { kind: topic, tail: tailOptionsOf(values, topic) };
  }
  if (known === 'misskey') {
    const topic = 'tail misskey';
    const options: Options = { ...tailOptions, params: { type: 'string' }, 'ack-timeout': { type: 'string' } };
    const { values, positionals } = parse(rest, options, topic, 1, '<channel>');
    const params = jsonObject(values['params'], '--params');
    return {
      kind: topic,
      tail: tailOptionsOf(values, topic),
      channel: misskeyChannel(positionals[0] as string, params),
      params,
      ackTimeout: positiveInteger(values['ack-timeout'], '--ack-timeout', topic) ?? 10_000,
    };
  }
  const topic = 'tail momento';
  const { values, positionals } = parse(rest, tailOptions, topic, 2, '<cache> <topic>');
  return { kind: topic, tail: tailOptionsOf(values, topic), cache: positionals[0] as string, topic: positionals[1] as string };
}

type Values = Record<string, string | boolean | Array<string | boolean> | undefined>;

function parse(argv: readonly string[], options: Options, topic: HelpTopic, positionalCount: number, positionalNames = ''): { values: Values; positionals: string[] } {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new UsageError(parseArgsMessage(error), topic);
  }
  const got = parsed.positionals.length;
  if (got !== positionalCount) {
    const problem = got > positionalCount ? `unexpected argument "${parsed.positionals[positionalCount]}"` : `missing ${positionalNames.split(' ').slice(got).join(' ')}`;
    throw new UsageError(`${topic === 'streamrx' ? '' : `${topic}: `}${problem}`, topic);
  }
  return parsed;
}

/** `parseArgs`'s messages, shortened to the point (they suggest `--` for positionals that look like options). */
function parseArgsMessage(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const option = /'([^']+)'/.exec(message ?? '')?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option "${option}"`;
  return (message ?? 'bad arguments').split('\n')[0] ?? 'bad arguments';
}

function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--help' || arg === '-h');
}

function tailOptionsOf(values: Values, topic: HelpTopic): TailOptions {
  return { emulator: values['emulator'] === true, limit: positiveInteger(values['limit'], '--limit', topic), quiet: values['quiet'] === true };
}

function positiveInteger(value: unknown, flag: string, topic: HelpTopic): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError(`${flag} must be a positive integer, got "${String(value)}"`, topic);
  }
  return n;
}

function port(value: unknown, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || n > 65_535) throw new UsageError(`${flag} must be a port number (0-65535), got "${String(value)}"`, 'emulate');
  return n;
}

function jsonObject(value: unknown, flag: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw new UsageError(`${flag} must be a JSON object, e.g. '{"q":[["cats"]]}'`, 'tail misskey');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${flag} must be a JSON object`, 'tail misskey');
  return parsed as Record<string, unknown>;
}

function misskeyChannel(name: string, params: Record<string, unknown> | undefined): ChannelName {
  if (!isMisskeyChannel(name)) throw new UsageError(`unknown Misskey channel "${name}" (channels: ${Object.keys(misskeyChannels).join(', ')})`, 'tail misskey');
  const missing = misskeyChannels[name].requiredParams.filter((key) => params?.[key] === undefined);
  if (missing.length > 0) throw new UsageError(`channel ${name} needs --params with ${missing.join(', ')}`, 'tail misskey');
  return name;
}
