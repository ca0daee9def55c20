// Runs every compiled guide snippet (out/snippets/*.js) as a consumer's program against the emulators of
// `streamrx/testing`, with the environment a user would set (`streamrx emulate` prints the same), while
// traffic flows on all three. A snippet passes if it exits 0 by itself, or is still running without an
// error after `settleMs` (a bot that runs until stopped); it fails if it exits non-zero or writes to stderr.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildPostCreatedEvent, emulatorEnvironment, startEmulators } from 'streamrx/testing';

const settleMs = Number(process.env.SNIPPET_SETTLE_MS ?? 3000);
const directory = join(import.meta.dirname, '..', 'snippets');
const snippets = readdirSync(directory).filter((name) => name.endsWith('.js') && !name.endsWith('.test.js'));

const emulators = await startEmulators();
const env = { ...process.env, ...emulatorEnvironment(emulators), MOMENTO_CACHE: 'cache', MOMENTO_TOPIC: 'topic', MIXI2_WEBHOOK_PORT: '0' };
const traffic = setInterval(() => {
  emulators.mixi2.push(buildPostCreatedEvent({ text: '@bot hi from mixi2' }));
  emulators.misskey.createNote('alice', { text: 'I love RxJS' });
  emulators.momento.publish('cache', 'in', 'hello');
  emulators.momento.publish('cache', 'topic', 'hello');
}, 100);

interface Outcome {
  name: string;
  verdict: 'exited' | 'running' | 'failed';
  detail: string;
}

function run(name: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(directory, name)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), settleMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const stoppedByUs = signal === 'SIGTERM';
      const ok = stderr === '' && (code === 0 || stoppedByUs);
      resolve({ name, verdict: ok ? (stoppedByUs ? 'running' : 'exited') : 'failed', detail: stderr || `exit ${code ?? signal}` });
    });
  });
}

const outcomes: Outcome[] = [];
for (let i = 0; i < snippets.length; i += 4) outcomes.push(...(await Promise.all(snippets.slice(i, i + 4).map(run))));
clearInterval(traffic);
await emulators.close();

for (const { name, verdict, detail } of outcomes) {
  console.log(`${verdict === 'failed' ? '✗' : '✓'} ${name}: ${verdict === 'failed' ? detail.trim() : verdict}`);
}
const failed = outcomes.filter((o) => o.verdict === 'failed').length;
console.log(`snippets: ${outcomes.length - failed} ran, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
