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
console.log(`required ${Object.keys(expected).length} entry points from CommonJS`);
