import { describe, expect, it } from 'vitest';
import { Event, Post, SubscribeEventsResponse, User, decodeMixi2Events } from '../../src/mixi2/index.js';

// A hand-written protobuf encoder, independent of the generated code, so a wrong field number in
// protos/ shows up as a wrong decoded field.
const varint = (value: number | bigint): number[] => {
  let v = BigInt(value);
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
};
const tag = (field: number, wire: number): number[] => varint((field << 3) | wire);
const int = (field: number, value: number | bigint): number[] => [...tag(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[]): number[] => [...tag(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, text: string): number[] => bytes(field, [...Buffer.from(text, 'utf8')]);
const float = (field: number, value: number): number[] => {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return [...tag(field, 5), ...b];
};
const packed = (field: number, values: number[]): number[] => bytes(field, values.flatMap((v) => varint(v)));
const u8 = (parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());

const avatar = [str(1, 'L'), str(2, 'image/png'), int(3, 640), int(4, 480), str(5, 'S'), str(6, 'image/webp'), int(7, 64), int(8, 48)].flat();
const userBytes = [str(1, 'u1'), int(2, 1), str(3, 'alice'), str(4, 'アリス'), str(5, 'profile text'), bytes(6, avatar), int(7, 2), int(8, 1)].flat();
const timestamp = [...int(1, 1767225600), ...int(2, 500)];
const imageMedia = [int(1, 1), bytes(2, [str(1, 'LI'), str(2, 'image/jpeg'), int(3, 10), int(4, 20), str(5, 'SI'), str(6, 'image/png'), int(7, 1), int(8, 2)].flat())].flat();
const videoMedia = [
  int(1, 2),
  bytes(3, [str(1, 'V'), str(2, 'video/mp4'), int(3, 720), int(4, 1280), str(5, 'P'), str(6, 'image/jpeg'), int(7, 72), int(8, 128), float(9, 12.5)].flat()),
].flat();
const stamp = [bytes(1, [str(1, 'stamp-url'), str(2, 'image/png'), int(3, 32), int(4, 33)].flat()), int(2, 2n ** 60n)].flat();
const postBytes = [
  str(1, 'p1'),
  int(2, 1),
  str(3, 'u1'),
  str(4, 'hello 🌏'),
  bytes(5, timestamp),
  bytes(6, imageMedia),
  bytes(6, videoMedia),
  str(7, 'parent'),
  bytes(8, [int(1, 2), str(2, 'spoiler!')].flat()),
  str(9, 'c1'),
  int(10, 1),
  int(11, 2),
  bytes(12, stamp),
  str(13, 'o_cracker'),
].flat();
const communityBytes = [str(1, 'c1'), str(2, 'Cats'), str(3, 'purpose'), int(4, 1), int(5, 2), int(6, 1)].flat();

describe('wire bytes decode field by field (protos/ field numbers)', () => {
  it('decodes a User', () => {
    expect(User.decode(Uint8Array.from(userBytes))).toEqual({
      userId: 'u1',
      isDisabled: true,
      name: 'alice',
      displayName: 'アリス',
      profile: 'profile text',
      userAvatar: {
        largeImageUrl: 'L',
        largeImageMimeType: 'image/png',
        largeImageHeight: 640,
        largeImageWidth: 480,
        smallImageUrl: 'S',
        smallImageMimeType: 'image/webp',
        smallImageHeight: 64,
        smallImageWidth: 48,
      },
      visibility: 2,
      accessLevel: 1,
    });
  });

  it('decodes a Post with every field, oneof media, uint64 without precision loss', () => {
    const post = Post.decode(Uint8Array.from(postBytes));
    expect(post).toMatchObject({
      postId: 'p1',
      isDeleted: true,
      creatorId: 'u1',
      text: 'hello 🌏',
      createdAt: { seconds: 1767225600n, nanos: 500 },
      inReplyToPostId: 'parent',
      postMask: { maskType: 2, caption: 'spoiler!' },
      communityId: 'c1',
      visibility: 1,
      accessLevel: 2,
      readerStampId: 'o_cracker',
    });
    expect(post.postMediaList[0]).toEqual({
      mediaType: 1,
      content: {
        $case: 'image',
        value: {
          largeImageUrl: 'LI',
          largeImageMimeType: 'image/jpeg',
          largeImageHeight: 10,
          largeImageWidth: 20,
          smallImageUrl: 'SI',
          smallImageMimeType: 'image/png',
          smallImageHeight: 1,
          smallImageWidth: 2,
        },
      },
    });
    expect(post.postMediaList[1]).toEqual({
      mediaType: 2,
      content: {
        $case: 'video',
        value: {
          videoUrl: 'V',
          videoMimeType: 'video/mp4',
          videoHeight: 720,
          videoWidth: 1280,
          previewImageUrl: 'P',
          previewImageMimeType: 'image/jpeg',
          previewImageHeight: 72,
          previewImageWidth: 128,
          duration: 12.5,
        },
      },
    });
    expect(post.stamps).toEqual([{ stamp: { url: 'stamp-url', mimeType: 'image/png', height: 32, width: 33 }, count: 2n ** 60n }]);
  });

  it('keeps absent proto3 optional fields absent', () => {
    const post = Post.decode(u8([str(1, 'p2'), str(7, '')]));
    expect(post.inReplyToPostId).toBe('');
    expect(post.communityId).toBeUndefined();
    expect(post.postMask).toBeUndefined();
    expect(post.readerStampId).toBeUndefined();
  });

  const chatMessage = [str(1, 'room'), str(2, 'm1'), str(3, 'u1'), str(4, 'hi'), bytes(5, timestamp), bytes(6, imageMedia), str(7, 'quoted')].flat();
  const cases: Array<[string, number, number[], (e: Event) => void]> = [
    ['pingEvent', 1, bytes(3, []), (e) => expect(e.body).toEqual({ $case: 'pingEvent', value: {} })],
    [
      'postCreatedEvent',
      2,
      bytes(4, [packed(1, [3, 5]), bytes(2, postBytes), bytes(3, userBytes), bytes(4, communityBytes)].flat()),
      (e) => {
        expect(e.body?.$case).toBe('postCreatedEvent');
        const value = e.body?.$case === 'postCreatedEvent' ? e.body.value : undefined;
        expect(value?.eventReasonList).toEqual([3, 5]);
        expect(value?.post?.postId).toBe('p1');
        expect(value?.issuer?.name).toBe('alice');
        expect(value?.postedCommunity).toEqual({ communityId: 'c1', name: 'Cats', purpose: 'purpose', isArchived: true, visibility: 2, accessLevel: 1 });
      },
    ],
    [
      'communityMemberChangedEvent',
      3,
      bytes(5, [packed(1, [6]), bytes(2, userBytes), bytes(3, communityBytes)].flat()),
      (e) => {
        const value = e.body?.$case === 'communityMemberChangedEvent' ? e.body.value : undefined;
        expect(value?.eventReasonList).toEqual([6]);
        expect(value?.member?.userId).toBe('u1');
        expect(value?.community?.communityId).toBe('c1');
      },
    ],
    [
      'chatMessageReceivedEvent',
      4,
      // reasons unpacked on purpose: decoders must accept both encodings
      bytes(6, [int(1, 8), bytes(2, chatMessage), bytes(3, userBytes)].flat()),
      (e) => {
        const value = e.body?.$case === 'chatMessageReceivedEvent' ? e.body.value : undefined;
        expect(value?.eventReasonList).toEqual([8]);
        expect(value?.message).toMatchObject({ roomId: 'room', messageId: 'm1', creatorId: 'u1', text: 'hi', postId: 'quoted', createdAt: { seconds: 1767225600n } });
        expect(value?.message?.mediaList[0]?.content?.$case).toBe('image');
        expect(value?.issuer?.displayName).toBe('アリス');
      },
    ],
    [
      'communityPluginManagedEvent',
      5,
      bytes(7, [packed(1, [9, 10]), bytes(2, communityBytes)].flat()),
      (e) => {
        const value = e.body?.$case === 'communityPluginManagedEvent' ? e.body.value : undefined;
        expect(value?.eventReasonList).toEqual([9, 10]);
        expect(value?.community?.name).toBe('Cats');
      },
    ],
  ];

  it.each(cases)('decodes an Event with body %s', (_case, eventType, body, check) => {
    const event = Event.decode(u8([str(1, `ev-${eventType}`), int(2, eventType), body]));
    expect(event.eventId).toBe(`ev-${eventType}`);
    expect(event.eventType).toBe(eventType);
    check(event);
  });

  it('decodes a stream response and a webhook body with several events, in order', () => {
    const events = cases.map(([, eventType, body]) => bytes(1, [str(1, `ev-${eventType}`), int(2, eventType), body].flat()));
    const wire = u8(events);
    expect(SubscribeEventsResponse.decode(wire).events.map((e) => e.eventType)).toEqual([1, 2, 3, 4, 5]);
    expect(decodeMixi2Events(wire).map((e) => e.eventId)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5']);
  });

  it('re-encodes to bytes that decode to the same event (for forwarding as protobuf)', () => {
    const event = Event.decode(u8([str(1, 'ev'), int(2, 2), cases[1]?.[2] ?? []]));
    expect(Event.decode(Event.encode(event).finish())).toEqual(event);
  });
});
