// A consumer's ESM program: one event from each emulator through the package alone, then it exits by
// itself (nothing left open keeps the event loop alive).
import { filter, firstValueFrom, map } from 'rxjs';
import { misskeyFromEnv } from 'streamrx/misskey';
import { isPostCreated, mixi2ClientFromEnv } from 'streamrx/mixi2';
import { topicClientFromEnv, topicItems } from 'streamrx/momento';
import { buildPostCreatedEvent, emulatorEnvironment, startEmulators } from 'streamrx/testing';

const emulators = await startEmulators();
const env = emulatorEnvironment(emulators);

const mixi2 = mixi2ClientFromEnv({ env, apiLinger: 0 });
const post = firstValueFrom(mixi2.events().pipe(filter(isPostCreated), map((event) => event.body.value.post?.text)));
await emulators.mixi2.waitForStreams(1);
emulators.mixi2.push(buildPostCreatedEvent({ text: 'hello from mixi2' }));

const misskey = misskeyFromEnv({ env, closeDelay: 0 });
const note = firstValueFrom(misskey.channel('localTimeline').pipe(filter((m) => m.type === 'note'), map((m) => m.body.text)));
await emulators.misskey.waitFor(() => emulators.misskey.stats().channels === 1);
emulators.misskey.createNote('alice', { text: 'hello from Misskey' });

const topics = topicClientFromEnv({ env });
const item = firstValueFrom(topicItems(topics, 'cache', 'topic').pipe(map((i) => i.value)));
await emulators.momento.waitFor(() => emulators.momento.stats().openStreams === 1);
emulators.momento.publish('cache', 'topic', 'hello from Momento');

const received = await Promise.all([post, note, item]);
console.log(JSON.stringify(received));
if (received.join('|') !== 'hello from mixi2|hello from Misskey|hello from Momento') throw new Error(`unexpected: ${received}`);
await emulators.close();
