import { NEVER } from 'rxjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run-command.js';
import { killLeftovers, runCli } from './cli-process.js';
import { MemoryStream } from './memory-output.js';

afterAll(async () => {
  expect(await killLeftovers()).toBe(0);
});

describe.concurrent('streamrx --help and --version, as processes', () => {
  it.each([
    [['--help'], 'Usage: streamrx <command>'],
    [['emulate', '--help'], 'Usage: streamrx emulate'],
    [['tail', '--help'], 'Usage: streamrx tail <source>'],
    [['tail', 'mixi2', '--help'], 'MIXI2_CLIENT_SECRET'],
    [['tail', 'misskey', '-h'], 'Usage: streamrx tail misskey <channel>'],
    [['tail', 'momento', '--limit', '2', '--help'], 'MOMENTO_LOCAL_ENDPOINT'],
  ])('%j prints its help on stdout and exits 0', async (args, expected) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(stderr).toBe('');
    expect(stdout).toContain(expected);
    expect(stdout).toMatch(/Exit status:\n {2}0 {2}done/);
    expect(code).toBe(0);
  });

  it('--version prints the package version (through tsx, as `npm run streamrx` does)', async () => {
    const { code, stdout } = await runCli(['--version'], {}, 'tsx');
    expect(stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(code).toBe(0);
  });
});

describe.concurrent('usage errors, as processes', () => {
  it.each([
    [[], 'no command given'],
    [['tail', 'misskey', 'localTimeline', '--bogus'], 'unknown option "--bogus"'],
    [['emulate', 'now'], 'unexpected argument "now"'],
  ])('%j prints one line on stderr and exits 2', async (args, expected) => {
    const { code, stdout, stderr } = await runCli(args);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(expected);
    expect(code).toBe(2);
  });
});

async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new MemoryStream();
  const stderr = new MemoryStream();
  const code = await runCommand(args, { env: {}, stop$: NEVER, streams: { stdout, stderr } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('usage errors, in-process', () => {
  it.each([
    [['follow'], 'unknown command "follow"', 'streamrx --help'],
    [['--bogus'], 'unknown option "--bogus"', 'streamrx --help'],
    [['tail'], 'tail needs a source', 'streamrx tail --help'],
    [['tail', 'twitter'], 'unknown source "twitter"', 'streamrx tail --help'],
    [['tail', 'misskey'], 'missing <channel>', 'streamrx tail misskey --help'],
    [['tail', 'momento', 'cache'], 'missing <topic>', 'streamrx tail momento --help'],
    [['tail', 'mixi2', 'extra'], 'unexpected argument "extra"', 'streamrx tail mixi2 --help'],
    [['tail', 'mixi2', '--limit', '0'], '--limit must be a positive integer', 'streamrx tail mixi2 --help'],
    [['tail', 'mixi2', '--limit'], "argument missing", 'streamrx tail mixi2 --help'],
    [['tail', 'misskey', 'nosuchChannel'], 'unknown Misskey channel "nosuchChannel"', 'streamrx tail misskey --help'],
    [['tail', 'misskey', 'hashtag'], 'channel hashtag needs --params with q', 'streamrx tail misskey --help'],
    [['tail', 'misskey', 'hashtag', '--params', '[1'], '--params must be a JSON object', 'streamrx tail misskey --help'],
    [['tail', 'misskey', 'localTimeline', '--ack-timeout', '-1'], '--ack-timeout', 'streamrx tail misskey --help'],
    [['emulate', '--misskey-port', '70000'], '--misskey-port must be a port number', 'streamrx emulate --help'],
    [['emulate', '--traffic=yes'], "'--traffic' does not take an argument", 'streamrx emulate --help'],
  ])('%j: exit 2, one line naming the problem and the help to read', async (args, problem, help) => {
    const { code, stdout, stderr } = await runInProcess(args);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(problem);
    expect(stderr).toContain(`(see ${help})`);
    expect(code).toBe(2);
  });

  it('every help page names its usage and the exit statuses', async () => {
    for (const args of [['-h'], ['emulate', '-h'], ['tail', '-h'], ['tail', 'mixi2', '-h'], ['tail', 'misskey', '-h'], ['tail', 'momento', '-h']]) {
      const { code, stdout } = await runInProcess(args);
      expect(stdout).toMatch(/^Usage: streamrx/);
      for (const status of ['0  done', '2  usage', '3  credentials', '4  the service could not be reached', '5  the service refused']) expect(stdout).toContain(status);
      expect(code).toBe(0);
    }
  });
});
