import type { Writable } from 'node:stream';
import { redact } from '../core/redact.js';
import { toNdjsonLine } from './ndjson.js';

const minimumSecretLength = 4;

/**
 * Options of {@link createOutput}.
 *
 * @example
 * ```ts
 * createOutput({ quiet: true, secrets: [process.env.MISSKEY_TOKEN] });
 * ```
 *
 * @example
 * ```ts
 * output.event({ type: 'note' }); // one NDJSON line on stdout
 * ```
 */
export interface OutputOptions {
  /** Where events go. @default process.stdout */
  stdout?: Writable;
  /** Where diagnostics and errors go. @default process.stderr */
  stderr?: Writable;
  /** Values that must never be printed; replaced by `***` in diagnostics (those of 4 characters or more). @default [] */
  secrets?: ReadonlyArray<string | undefined>;
  /** Drop informational diagnostics (errors are still printed). @default false */
  quiet?: boolean;
}

/** What a command writes: data on stdout, diagnostics on stderr. */
export interface Output {
  /** Writes one NDJSON line to stdout. */
  event(value: unknown): void;
  /** Writes raw text to stdout (help, `export` lines). */
  text(text: string): void;
  /** A `streamrx: …` diagnostic on stderr, unless quiet. */
  info(message: string): void;
  /** A `streamrx: …` error line on stderr, always; newlines are folded so it stays one line. */
  error(message: string): void;
  /** Resolves once everything written so far has been handed to the OS. */
  flush(): Promise<void>;
  /** Whether stdout's reader went away (EPIPE, e.g. `| head`). */
  readonly closed: boolean;
}

/**
 * Creates the command's {@link Output}. A reader that closes stdout early (`streamrx tail … | head -1`) is
 * not an error: further events are dropped and {@link Output.closed} turns true.
 *
 * @example
 * ```ts
 * const out = createOutput({ secrets: [process.env.MISSKEY_TOKEN] });
 * out.event({ type: 'note' });
 * out.info('connected');
 * ```
 */
export function createOutput(options: OutputOptions = {}): Output {
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  // A secret of a few characters cannot be told apart from ordinary text; redacting it would mangle words.
  const secrets = (options.secrets ?? []).filter((secret) => secret !== undefined && secret.length >= minimumSecretLength);
  let closed = false;
  stdout.on('error', () => {
    closed = true;
  });
  const diagnostic = (message: string): void => {
    stderr.write(`streamrx: ${redact(message, secrets).replace(/\s*\n\s*/g, ' ')}\n`);
  };
  return {
    event: (value) => {
      if (!closed) stdout.write(`${toNdjsonLine(value)}\n`);
    },
    text: (text) => {
      if (!closed) stdout.write(text);
    },
    info: (message) => {
      if (!options.quiet) diagnostic(message);
    },
    error: diagnostic,
    flush: async () => {
      await Promise.all([stdout, stderr].map((stream) => new Promise<void>((resolve) => (closed && stream === stdout ? resolve() : stream.write('', () => resolve())))));
    },
    get closed() {
      return closed;
    },
  };
}
