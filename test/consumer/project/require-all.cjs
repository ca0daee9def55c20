// Every entry point of the package, loaded from CommonJS (Node >= 20.19 loads the ESM build with require).
const assert = require('node:assert/strict');

const expected = {
  streamrx: ['retryBackoff', 'watchdog', 'dedupeBy', 'correlate', 'StreamRxError'],
  'streamrx/mixi2': ['mixi2Client', 'mixi2ClientFromEnv', 'clientCredentials', 'mixi2Webhook', 'isPostCreated'],
  'streamrx/misskey': ['misskey', 'misskeyFromEnv', 'parseFrame', 'MisskeyApiError'],
  'streamrx/momento': ['topicEvents', 'topicItems', 'publishTo', 'topicClientFromEnv', 'fanOutTo', 'fromFanOut'],
  'streamrx/testing': ['startEmulators', 'startMixi2Emulator', 'startMisskeyEmulator', 'startMomentoEmulator', 'marbles'],
};
for (const [specifier, names] of Object.entries(expected)) {
  const module = require(specifier);
  for (const name of names) assert.equal(typeof module[name], 'function', `${specifier} exports ${name}`);
}
assert.equal(require('streamrx/package.json').name, 'streamrx');
// The telemetry entry point needs the optional peer @opentelemetry/api, which this project does not install:
// every entry point above loaded without it, and this one names what is missing.
assert.throws(() => require('streamrx/telemetry'), (error) => /@opentelemetry\/api/.test(String(error.message)));
console.log(`required ${Object.keys(expected).length} entry points from CommonJS`);
