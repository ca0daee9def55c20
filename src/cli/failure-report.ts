import {
  ApiError,
  AuthenticationError,
  ChannelRejectedError,
  ConnectionLostError,
  IdleTimeoutError,
  InvalidArgumentError,
  PermissionError,
  RequestTimeoutError,
  StreamRxError,
} from '../core/errors.js';
import { CredentialsError, UsageError } from './cli-errors.js';
import { ExitCode } from './exit-code.js';

/**
 * How a failure ends the command: its exit status and its one-line message.
 *
 * @example
 * ```ts
 * const { code, message } = reportFailure(error, 'misskey');
 * ```
 */
export interface FailureReport {
  code: ExitCode;
  message: string;
}

/**
 * Classifies whatever ended a command into an {@link ExitCode} and a one-line message. `what` names the
 * source and where it was reached, e.g. `'mixi2 (stream 127.0.0.1:4000)'`. The caller redacts secrets.
 *
 * @example
 * ```ts
 * reportFailure(new AuthenticationError('token endpoint answered 401'), 'mixi2');
 * // { code: 3, message: 'mixi2: login refused: token endpoint answered 401' }
 * ```
 */
export function reportFailure(error: unknown, what: string): FailureReport {
  const detail = error instanceof Error ? error.message : String(error);
  if (error instanceof UsageError) return { code: ExitCode.Usage, message: `${detail} (see streamrx ${error.helpTopic === 'streamrx' ? '' : `${error.helpTopic} `}--help)` };
  if (error instanceof CredentialsError) return { code: ExitCode.Credentials, message: error.message };
  if (error instanceof AuthenticationError) return { code: ExitCode.Credentials, message: `${what}: login refused: ${detail}` };
  if (error instanceof PermissionError) return { code: ExitCode.Credentials, message: `${what}: permission denied: ${detail}` };
  if (error instanceof ConnectionLostError || error instanceof IdleTimeoutError || error instanceof RequestTimeoutError) {
    return { code: ExitCode.Connection, message: `${what}: cannot connect: ${detail}` };
  }
  if (error instanceof ChannelRejectedError) {
    return { code: ExitCode.Refused, message: `${what}: ${detail} (unknown to this server, needs other credentials or params, or too many channels)` };
  }
  if (error instanceof ApiError && isNotFound(error)) return { code: ExitCode.Refused, message: `${what}: not found: ${detail}` };
  if (error instanceof InvalidArgumentError) return { code: ExitCode.Usage, message: `${what}: ${detail}` };
  if (error instanceof StreamRxError || isSystemError(error)) return { code: ExitCode.Failure, message: `${what}: ${detail}` };
  return { code: ExitCode.Failure, message: `${what}: unexpected failure: ${detail}` };
}

/** Node's own errors (EADDRINUSE, EACCES, …) say what went wrong already. */
function isSystemError(error: unknown): boolean {
  return error instanceof Error && typeof (error as { syscall?: unknown }).syscall === 'string';
}

function isNotFound(error: ApiError): boolean {
  return (error.body as { errorCode?: unknown } | undefined)?.errorCode === 'NOT_FOUND_ERROR';
}
