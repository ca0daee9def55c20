import { Writable } from 'node:stream';
import { NEVER } from 'rxjs';
import { runCommand } from '../../src/cli/run-command.js';

/** A Writable that keeps what was written. */
export class MemoryStream extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    callback();
  }
}

/** Runs a command line in this process (no stop signal), with `env` as the whole environment. */
export async function runInProcess(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const code = await runCommand(args, { env, stop$: NEVER, streams: { stdout, stderr } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
