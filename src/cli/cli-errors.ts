/**
 * The command line was wrong: an unknown command or option, a missing or malformed argument. The command
 * prints the message and a pointer to `--help`, and exits with {@link ExitCode.Usage}.
 *
 * @example
 * ```ts
 * throw new UsageError('--limit must be a positive integer, got "abc"', 'tail');
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help explains the right usage, e.g. `'tail misskey'`. @default 'streamrx' */
    readonly helpTopic: string = 'streamrx',
  ) {
    super(message);
  }
}

/**
 * The environment lacks the credentials a source needs (or holds unusable ones). The message names the
 * variables to set and never quotes their values; the command exits with {@link ExitCode.Credentials}.
 *
 * @example
 * ```ts
 * throw new CredentialsError('mixi2', 'set MIXI2_CLIENT_ID and MIXI2_CLIENT_SECRET, or use --emulator');
 * ```
 */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    /** The source the credentials are for. */
    readonly source: string,
    /** What is wrong and what to set, without any secret value. */
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}
