// Type tests of the public surface: every `@ts-expect-error` line must fail to compile (a public type that
// became `any` would make it compile, and then the directive itself is an error), and the `IsAny` checks
// must hold. Compiled only, never run.
import { of, type Observable } from 'rxjs';
import { retryBackoff, type ConnectionState } from 'streamrx';
import {
  misskey,
  type ChannelMessage,
  type EndpointParams,
  type EndpointResponse,
  type Note,
} from 'streamrx/misskey';
import { isEventOf, isPostCreated, mixi2Client, clientCredentials, type Event } from 'streamrx/mixi2';
import { publishTo, topicItems, type TopicItemEvent } from 'streamrx/momento';
import { buildMisskeyNote, buildPostCreatedEvent, startMisskeyEmulator } from 'streamrx/testing';

type IsAny<T> = 0 extends 1 & T ? true : false;
type False<T extends false> = T;

export type NotAny = [
  False<IsAny<Note>>,
  False<IsAny<Note['text']>>,
  False<IsAny<EndpointParams<'notes/create'>>>,
  False<IsAny<EndpointResponse<'notes/create'>>>,
  False<IsAny<ChannelMessage<'homeTimeline'>>>,
  False<IsAny<Event>>,
  False<IsAny<TopicItemEvent['value']>>,
  False<IsAny<ConnectionState>>,
];

declare const client: ReturnType<typeof misskey>;
declare const topics: Parameters<typeof topicItems>[0] & Parameters<typeof publishTo>[0];

// Misskey: channel names, channel params, endpoint params and response fields are checked.
// @ts-expect-error an unknown channel
client.channel('noSuchChannel');
// @ts-expect-error a channel's params: userList takes a listId
client.channel('userList', { antennaId: 'x' });
// @ts-expect-error an unknown endpoint
client.api('notes/noSuchEndpoint', {});
// @ts-expect-error wrong API params: noteId is a string
client.api('notes/reactions/create', { noteId: 1, reaction: '👍' });
client.api('notes/create', { text: 'hi' }).subscribe((created) => {
  // @ts-expect-error a wrong payload field type: the created note's id is a string
  const id: number = created.createdNote.id;
  return id;
});
client.channel('homeTimeline').subscribe((message) => {
  if (message.type !== 'note') return;
  // @ts-expect-error a wrong payload field type: a note's text is string | null
  const text: number = message.body.text;
  return text;
});
// @ts-expect-error misskey() needs an origin
misskey({ token: 't' });

// mixi2: request fields, event payloads and event kinds are checked.
const mixi2 = mixi2Client({ auth: clientCredentials({ clientId: 'id', clientSecret: 'secret' }) });
// @ts-expect-error wrong API params: text is a string
mixi2.api.createPost({ text: 42 });
// @ts-expect-error an unknown RPC
mixi2.api.createTweet({ text: 'hi' });
// @ts-expect-error an unknown event kind
isEventOf('noSuchEvent');
mixi2.events().subscribe((event) => {
  if (!isPostCreated(event)) return;
  // @ts-expect-error a wrong payload field type: a post's text is a string
  const text: number | undefined = event.body.value.post?.text;
  return text;
});

// Momento: items are strings or bytes, and publishTo takes only those.
topicItems(topics, 'cache', 'topic').subscribe((item) => {
  // @ts-expect-error a wrong payload field type: the value is string | Uint8Array
  const value: string = item.value;
  // @ts-expect-error a wrong payload field type: the sequence number is a number
  const sequence: string = item.sequenceNumber;
  return [value, sequence];
});
// @ts-expect-error publishTo takes strings or bytes, not objects
of({ a: 1 }).pipe(publishTo(topics, 'cache', 'topic'));
// @ts-expect-error topicItems needs a cache and a topic
topicItems(topics, 'cache');

// Core and testing.
// @ts-expect-error retryBackoff options are typed
retryBackoff({ initialDelay: '1s' });
// @ts-expect-error builders take the message's fields
buildPostCreatedEvent({ text: 1 });
// @ts-expect-error builders take the entity's fields
buildMisskeyNote({ text: 1 });
export const started: Promise<{ readonly origin: string }> = startMisskeyEmulator();
export const typed: Observable<ChannelMessage<'localTimeline'>> = client.channel('localTimeline');
