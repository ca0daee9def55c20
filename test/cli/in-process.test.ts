import { describe, expect, it } from 'vitest';
import { toNdjsonLine } from '../../src/cli/ndjson.js';
import { exportLines } from '../../src/cli/shell-exports.js';
import { runInProcess } from './in-process.js';

describe('usage errors (the full table; a few also run as processes in help.test.ts)', () => {
  it.each([
    [['follow'], 'unknown command "follow"', 'streamrx --help'],
    [['--bogus'], 'unknown option "--bogus"', 'streamrx --help'],
    [['tail'], 'tail needs a source', 'streamrx tail --help'],
    [['tail', 'twitter'], 'unknown source "twitter"', 'streamrx tail --help'],
    [['tail', 'misskey'], 'missing <channel>', 'streamrx tail misskey --help'],
    [['tail', 'momento', 'cache'], 'missing <topic>', 'streamrx tail momento --help'],
    [['tail', 'mixi2', 'extra'], 'unexpected argument "extra"', 'streamrx tail mixi2 --help'],
    [['tail', 'mixi2', '--limit', '0'], '--limit must be a positive integer', 'streamrx tail mixi2 --help'],
    [['tail', 'mixi2', '--limit'], 'argument missing', 'streamrx tail mixi2 --help'],
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

describe('credential errors (exit 3, never quoting a secret)', () => {
  it.each([
    [['tail', 'mixi2'], {}, 'mixi2: missing credentials: set MIXI2_CLIENT_ID and MIXI2_CLIENT_SECRET'],
    [['tail', 'mixi2'], { MIXI2_CLIENT_SECRET: 'secret-only-4d2c' }, 'mixi2: missing credentials: set MIXI2_CLIENT_ID ('],
    [['tail', 'misskey', 'main'], { MISSKEY_ORIGIN: 'http://127.0.0.1:1' }, 'misskey: missing credentials: channel main needs MISSKEY_TOKEN'],
    [['tail', 'misskey', 'homeTimeline'], { MISSKEY_TOKEN: 'token-only-7a1b' }, 'misskey: missing credentials: set MISSKEY_ORIGIN and MISSKEY_TOKEN'],
    [['tail', 'momento', 'c', 't'], { MOMENTO_API_KEY: 'not-a-momento-key-5d1e' }, 'momento: MOMENTO_API_KEY is not a valid Momento API key'],
    [['tail', 'momento', 'c', 't'], { MOMENTO_API_KEY: 'not-a-v2-key-5d1e', MOMENTO_ENDPOINT: 'cell.example' }, 'momento: MOMENTO_API_KEY is not a valid v2 Momento API key'],
    [['tail', 'momento', 'c', 't'], { MOMENTO_LOCAL_ENDPOINT: 'nowhere' }, 'momento: MOMENTO_LOCAL_ENDPOINT must be host:port, got "nowhere"'],
  ])('%j with %j', async (args, env, message) => {
    const { code, stdout, stderr } = await runInProcess(args, env);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^streamrx: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\n$`));
    for (const secret of Object.values(env)) if (/secret|token|key/.test(secret)) expect(stderr).not.toContain(secret);
    expect(code).toBe(3);
  });

  it('a bad MISSKEY_ORIGIN is a usage error of the environment (exit 2)', async () => {
    const { code, stderr } = await runInProcess(['tail', 'misskey', 'localTimeline'], { MISSKEY_ORIGIN: 'ftp://misskey.example' });
    expect(stderr).toBe('streamrx: tail misskey: origin must be http(s), got ftp:\n');
    expect(code).toBe(2);
  });
});

describe('output encoding', () => {
  it('NDJSON: bigint as a decimal string, bytes as base64, undefined dropped, one line', () => {
    const line = toNdjsonLine({ seconds: 1767225600n, raw: new Uint8Array([1, 2, 255]), buffer: Buffer.from('hi'), gone: undefined, text: 'a\nb' });
    expect(line).toBe('{"seconds":"1767225600","raw":"AQL/","buffer":"aGk=","text":"a\\nb"}');
  });

  it('export lines quote what the shell would split', () => {
    expect(exportLines({ A: 'http://127.0.0.1:1/x', B: "it's a b", C: 'k+/=' })).toBe("export A=http://127.0.0.1:1/x\nexport B='it'\\''s a b'\nexport C=k+/=\n");
  });
});
