import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killLeftovers, prepareCompiledCli, runCli } from './cli-process.js';

beforeAll(prepareCompiledCli, 120_000);
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
