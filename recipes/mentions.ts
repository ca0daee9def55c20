import { EMPTY, filter, map, mergeMap, of, type OperatorFunction } from 'rxjs';
import type { ChannelMessage, Note } from '../src/misskey/index.js';
import { EventReason, isPostCreated, type Event } from '../src/mixi2/index.js';

/**
 * The networks a {@link Mention} comes from.
 *
 * @example
 * ```ts
 * const network: MentionNetwork = 'misskey';
 * ```
 */
export type MentionNetwork = 'mixi2' | 'misskey';

/**
 * A mention of the bot on either network, in one shape.
 *
 * @example
 * ```ts
 * const mention: Mention = { network: 'misskey', postId: '9x1', authorId: 'u-alice', authorName: 'alice', text: '@bot /chart 3 1 4' };
 * ```
 */
export interface Mention {
  /** Where it was posted. */
  network: MentionNetwork;
  /** The mixi2 post id or the Misskey note id: what the reply answers. */
  postId: string;
  /** The author's user id. */
  authorId: string;
  /** The author's name (mixi2) or username (Misskey), when known. */
  authorName: string | undefined;
  /** The text of the post or note. */
  text: string;
  /** A Misskey note's visibility, which the reply keeps. @default 'public' */
  visibility?: Note['visibility'];
}


/**
 * mixi2 mentions of the application (`POST_CREATED` with `POST_MENTIONED`) as {@link Mention}s, without the
 * application's own posts.
 *
 * @example
 * ```ts
 * link.events$.pipe(mixi2Mentions('bot-user-id')).subscribe((m) => console.log(m.text));
 * ```
 */
export function mixi2Mentions(botUserId?: string): OperatorFunction<Event, Mention> {
  return (source) =>
    source.pipe(
      filter(isPostCreated),
      filter((event) => event.body.value.eventReasonList.includes(EventReason.EVENT_REASON_POST_MENTIONED)),
      mergeMap(({ body: { value } }) => {
        const post = value.post;
        if (post === undefined || post.creatorId === botUserId) return EMPTY;
        return of<Mention>({ network: 'mixi2', postId: post.postId, authorId: post.creatorId, authorName: value.issuer?.name, text: post.text });
      }),
    );
}

type MentionNotification = { type: 'mention'; note: Note };
const isMentionNotification = (body: { type: string }): body is MentionNotification => body.type === 'mention' && 'note' in body;

/**
 * Misskey mentions of the account, from its `main` channel's `mention` notifications, as {@link Mention}s;
 * its own notes are skipped.
 *
 * @example
 * ```ts
 * client.channel('main').pipe(misskeyMentions(myUserId)).subscribe((m) => console.log(m.text));
 * ```
 */
export function misskeyMentions(myUserId?: string): OperatorFunction<ChannelMessage<'main'>, Mention> {
  return (source) =>
    source.pipe(
      mergeMap((message) => (message.type === 'notification' && isMentionNotification(message.body) ? of(message.body.note) : EMPTY)),
      filter((note) => note.userId !== myUserId),
      map((note): Mention => ({ network: 'misskey', postId: note.id, authorId: note.userId, authorName: note.user.username, text: note.text ?? '', visibility: note.visibility })),
    );
}

