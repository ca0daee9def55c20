/**
 * The exit statuses of the `streamrx` command, documented in `streamrx --help`.
 *
 * @example
 * ```ts
 * process.exitCode = ExitCode.Usage;
 * ```
 */
export const ExitCode = Object.freeze({
  /** Done: `--limit` reached, the stream ended, or stopped with Ctrl-C / SIGTERM. */
  Ok: 0,
  /** Any other failure (a service error, a protocol violation, a bug). */
  Failure: 1,
  /** Bad command line: unknown command, option or channel, malformed value. */
  Usage: 2,
  /** Missing or unusable credentials, or the service refused them (authentication, permission). */
  Credentials: 3,
  /** The service could not be reached, or the connection was lost for good. */
  Connection: 4,
  /** The service refused the subscription itself (channel not acknowledged, cache not found). */
  Refused: 5,
});

/**
 * One of the {@link ExitCode} values.
 *
 * @example
 * ```ts
 * const code: ExitCode = ExitCode.Connection; // 4
 * ```
 */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
