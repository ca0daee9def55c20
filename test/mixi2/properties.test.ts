import { EventEmitter } from 'node:events';
import type { ClientReadableStream } from '@grpc/grpc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, ProtocolError } from '../../src/core/errors.js';
import { decodeMixi2Events, encodeMixi2Events, mixi2WebhookVerifier, type Event, type SubscribeEventsResponse } from '../../src/mixi2/index.js';
import { streamCall } from '../../src/mixi2/stream-call.js';
import {
  buildChatMessageReceivedEvent,
  buildCommunityMemberChangedEvent,
  buildCommunityPluginManagedEvent,
  buildMixi2Community,
  buildMixi2User,
  buildPingEvent,
  buildPostCreatedEvent,
} from '../../src/testing/mixi2/index.js';
import { WebhookSender } from '../../src/testing/mixi2/webhook-sender.js';

const text = fc.string({ unit: 'binary', maxLength: 40 });
const id = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 });
const user = fc.record({ userId: id, name: text, displayName: text, isDisabled: fc.boolean() }).map((u) => buildMixi2User(u));
const community = fc.record({ communityId: id, name: text, purpose: text }).map((c) => buildMixi2Community(c));

/** Any valid mixi2 event, of every body kind. */
const eventArbitrary: fc.Arbitrary<Event> = fc.oneof(
  id.map((eventId) => buildPingEvent(eventId)),
  fc
    .record({ eventId: id, text, postId: id, issuer: user, reply: fc.option(id, { nil: undefined }), count: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }) })
    .map(({ eventId, text: t, postId, issuer, reply, count }) =>
      buildPostCreatedEvent(
        { text: t, postId, ...(reply === undefined ? {} : { inReplyToPostId: reply }), stamps: [{ stamp: undefined, count }] },
        { eventId, issuer },
      ),
    ),
  fc.record({ eventId: id, text, roomId: id, issuer: user }).map(({ eventId, text: t, roomId, issuer }) => buildChatMessageReceivedEvent({ text: t, roomId }, { eventId, issuer })),
  fc.record({ eventId: id, member: user, community, left: fc.boolean() }).map((o) => buildCommunityMemberChangedEvent(o)),
  fc.record({ eventId: id, community, uninstalled: fc.boolean() }).map((o) => buildCommunityPluginManagedEvent(o)),
);

const sender = new WebhookSender();
const verify = mixi2WebhookVerifier({ publicKey: sender.publicKey });
const signed = (body: Uint8Array) => {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return { body, timestamp, signature: sender.signatureOf(body, timestamp) };
};

describe('properties of the mixi2 decoders', () => {
  it('random bytes: decodeMixi2Events returns events or throws ProtocolError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          expect(Array.isArray(decodeMixi2Events(bytes))).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes, validly signed or not: the webhook verifier only throws typed errors', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), fc.string(), fc.string(), (bytes, sign, signature, timestamp) => {
        const delivery = sign ? signed(bytes) : { body: bytes, signature, timestamp };
        try {
          verify(delivery);
        } catch (error) {
          expect(error instanceof ProtocolError || error instanceof AuthenticationError).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random valid events survive encode → sign → verify → decode unchanged, in order', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 8 }), (events) => {
        expect(verify(signed(encodeMixi2Events(events)))).toEqual(events);
      }),
      { numRuns: 300 },
    );
  });

  it('random responses: the stream call emits every event of every response, in order, and never errors', () => {
    fc.assert(
      fc.property(fc.array(fc.array(eventArbitrary, { maxLength: 5 }), { maxLength: 6 }), (responses) => {
        const call = Object.assign(new EventEmitter(), { cancel: () => undefined }) as unknown as ClientReadableStream<SubscribeEventsResponse>;
        const got: Event[] = [];
        const errors: unknown[] = [];
        let opened = 0;
        const subscription = streamCall(() => call, 'token', undefined, { opened: () => (opened += 1) }).subscribe({
          next: (e) => got.push(e),
          error: (e) => errors.push(e),
        });
        for (const events of responses) (call as unknown as EventEmitter).emit('data', { events });
        subscription.unsubscribe();
        expect(got).toEqual(responses.flat());
        expect(opened).toBe(responses.length > 0 ? 1 : 0);
        expect(errors).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
