import type { Observable } from 'rxjs';
import { parseCommandLine, type Command } from './command-line.js';
import { misskeySettingsFrom, mixi2SettingsFrom, requireMomentoCredentials, secretsOf, type Environment } from './environment.js';
import { ExitCode } from './exit-code.js';
import { reportFailure } from './failure-report.js';
import { helpText } from './help.js';
import { createOutput, type Output, type OutputOptions } from './output.js';
import { runTail } from './run-tail.js';
import type { TailSession } from './tail-session.js';
import { streamrxVersion } from './version.js';

/**
 * Options of {@link runCommand}.
 *
 * @example
 * ```ts
 * await runCommand(['tail', 'mixi2', '--emulator', '-n', '1'], { env: {}, stop$: NEVER });
 * ```
 */
export interface RunCommandOptions {
  /** Where credentials are read. @default process.env */
  env?: Environment;
  /** Stops a running command cleanly when it emits. */
  stop$: Observable<unknown>;
  /** Output streams. @default process.stdout and process.stderr */
  streams?: Pick<OutputOptions, 'stdout' | 'stderr'>;
}

/**
 * Runs one `streamrx` command line to its end and resolves with the exit status. Never throws: every failure
 * is printed as one line on stderr (without secrets) and mapped to an {@link ExitCode}. The sources are
 * loaded on demand, so `--help` stays fast.
 *
 * @example
 * ```ts
 * process.exitCode = await runCommand(process.argv.slice(2), { stop$: stopSignal$() });
 * ```
 */
export async function runCommand(argv: readonly string[], options: RunCommandOptions): Promise<ExitCode> {
  const env = options.env ?? process.env;
  const base: OutputOptions = { ...options.streams, secrets: secretsOf(env) };
  let command: Command;
  try {
    command = parseCommandLine(argv);
  } catch (error) {
    return fail(createOutput(base), error, 'streamrx');
  }
  const output = createOutput({ ...base, quiet: 'quiet' in command ? command.quiet : 'tail' in command && command.tail.quiet });
  try {
    return await dispatch(command, output, env, options.stop$);
  } catch (error) {
    return fail(output, error, command.kind);
  } finally {
    await output.flush();
  }
}

async function dispatch(command: Command, output: Output, env: Environment, stop$: Observable<unknown>): Promise<ExitCode> {
  switch (command.kind) {
    case 'help':
      output.text(helpText(command.topic));
      return ExitCode.Ok;
    case 'version':
      output.text(`${streamrxVersion()}\n`);
      return ExitCode.Ok;
    case 'emulate': {
      const { runEmulate } = await import('./emulate.js');
      return runEmulate({ output, stop$, ...command });
    }
    default:
      return runTail(await openSession(command, env), { output, limit: command.tail.limit, stop$ });
  }
}

async function openSession(command: Extract<Command, { tail: unknown }>, env: Environment): Promise<TailSession> {
  const { emulator } = command.tail;
  // Missing credentials are reported before a source's modules (gRPC, the Momento SDK) are loaded.
  if (!emulator) checkCredentials(command, env);
  switch (command.kind) {
    case 'tail mixi2':
      return (await import('./tail-mixi2.js')).openMixi2Tail({ emulator, env });
    case 'tail misskey': {
      const { channel, params, ackTimeout } = command;
      return (await import('./tail-misskey.js')).openMisskeyTail({ channel, params, ackTimeout, emulator, env });
    }
    case 'tail momento':
      return (await import('./tail-momento.js')).openMomentoTail({ cacheName: command.cache, topic: command.topic, emulator, env });
  }
}

function checkCredentials(command: Extract<Command, { tail: unknown }>, env: Environment): void {
  if (command.kind === 'tail mixi2') mixi2SettingsFrom(env);
  else if (command.kind === 'tail momento') requireMomentoCredentials(env);
  else misskeySettingsFrom(env, command.channel);
}

function fail(output: Output, error: unknown, what: string): ExitCode {
  const report = reportFailure(error, what);
  output.error(report.message);
  return report.code;
}
