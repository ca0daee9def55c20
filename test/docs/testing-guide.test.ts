import { credentials } from '@grpc/grpc-js';
import { firstValueFrom, of } from 'rxjs';
import { expect, it } from 'vitest';
import { mentionReplyHandler } from '../../recipes/mention-reply.js';
import { IdleTimeoutError, retryBackoff, watchdog } from '../../src/index.js';
import { EventReason, clientCredentials, mixi2Client } from '../../src/mixi2/index.js';
import { buildMixi2Post, buildPostCreatedEvent, marbles, startMixi2Emulator } from '../../src/testing/index.js';

// The snippets of docs/guides/testing.md, as they are written there.

const mention = (postId: string) =>
  buildPostCreatedEvent({ postId, text: '@bot hi' }, { reasons: [EventReason.EVENT_REASON_POST_MENTIONED] });
const reply = (request: { inReplyToPostId?: string }) => of({ post: buildMixi2Post({ postId: `r-${request.inReplyToPostId}` }) });

it('starts at most 2 replies per 100 ms, delaying the rest', () =>
  marbles(({ cold, expectObservable }) => {
    const handler = mentionReplyHandler({ limit: 2, window: 100, createPost: reply });
    const mentions = cold('(abc)', { a: mention('p1'), b: mention('p2'), c: mention('p3') });
    expectObservable(mentions.pipe(handler)).toBe('(xy) 96ms z', {
      x: expect.objectContaining({ postId: 'p1' }),
      y: expect.objectContaining({ postId: 'p2' }),
      z: expect.objectContaining({ postId: 'p3' }),
    });
  }, { assertDeepEqual: (actual, expected) => expect(actual).toEqual(expected) }));

it('runs a whole pipeline in virtual time', () =>
  marbles(({ cold, expectObservable }) => {
    const stalled = cold('a');
    const pipeline = stalled.pipe(watchdog(60_000), retryBackoff({ initialDelay: 1000, maxRetries: 1, resetOnValue: false }));
    expectObservable(pipeline).toBe('a 60999ms a 59999ms #', undefined, new IdleTimeoutError(60_000));
  }));

it('receives a pushed event over the real gRPC stream', async () => {
  const emulator = await startMixi2Emulator();
  const client = mixi2Client({
    auth: clientCredentials({ clientId: emulator.clientId, clientSecret: emulator.clientSecret, tokenUrl: emulator.tokenUrl }),
    streamAddress: emulator.streamAddress,
    apiAddress: emulator.apiAddress,
    credentials: credentials.createInsecure(),
  });
  const first = firstValueFrom(client.events());
  await emulator.waitForStreams(1);
  emulator.push(buildPostCreatedEvent({ text: 'hello' }));
  expect((await first).eventId).toBeTruthy();
  await emulator.close();
});
