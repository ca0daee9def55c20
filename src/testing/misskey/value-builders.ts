import type * as entities from 'misskey-js/entities.js';
import type { ChannelMessage, NoteUpdatedEvent } from '../../misskey/types.js';
import { buildNote, buildUserLite, type EmulatedUser } from './builders.js';

const TEST_ORIGIN = 'http://127.0.0.1:3000';
let sequence = 0;
const nextId = (): string => `9test${(++sequence).toString(36).padStart(5, '0')}`;

/**
 * A Misskey note as the server packs it (2026.3.2 shape), with sensible defaults: a public note by
 * `@alice` with text, created now, no reactions. Every field can be overridden.
 *
 * @example
 * ```ts
 * const note = buildMisskeyNote({ text: 'I love RxJS', reactions: { '👍': 2 } });
 * ```
 */
export function buildMisskeyNote(overrides: Partial<entities.Note> = {}): entities.Note {
  const author: EmulatedUser = { id: overrides.userId ?? 'user-alice', username: overrides.user?.username ?? 'alice', token: '' };
  const id = overrides.id ?? nextId();
  const stored = {
    id,
    createdAt: new Date().toISOString(),
    userId: author.id,
    text: 'hello from a test',
    cw: null,
    visibility: 'public' as const,
    visibleUserIds: [],
    replyId: null,
    renoteId: null,
    reactions: new Map<string, string>(),
    poll: null,
  };
  return { ...buildNote(stored, author, TEST_ORIGIN, true), user: buildUserLite(author, TEST_ORIGIN), ...overrides };
}

/**
 * A timeline channel's `note` message (what `client.channel('homeTimeline')` and the other timelines
 * emit), around {@link buildMisskeyNote}.
 *
 * @example
 * ```ts
 * cold('a-b', { a: buildNoteMessage({ text: 'rxjs!' }), b: buildNoteMessage({ text: 'cats' }) });
 * ```
 */
export function buildNoteMessage(overrides: Partial<entities.Note> = {}): ChannelMessage<'homeTimeline'> {
  return { type: 'note', body: buildMisskeyNote(overrides) };
}

/**
 * A `noteUpdated` event as `client.noteUpdates(noteId)` emits it; the body defaults to what the server sends
 * for the type (a 👍 reaction by `user-bob`, a vote for choice 0, a deletion now).
 *
 * @example
 * ```ts
 * buildNoteUpdated('reacted', 'note-1', { reaction: '🎉' });
 * buildNoteUpdated('deleted', 'note-1');
 * ```
 */
export function buildNoteUpdated<T extends NoteUpdatedEvent['type']>(
  type: T,
  noteId: string,
  body: Partial<
    Extract<
      NoteUpdatedEvent,
      {
        /** The update type to pick. */
        type: T;
      }
    >['body']
  > = {},
): Extract<
  NoteUpdatedEvent,
  {
    /** The update type to pick. */
    type: T;
  }
> {
  const defaults: { [K in NoteUpdatedEvent['type']]: Extract<NoteUpdatedEvent, { type: K }>['body'] } = {
    reacted: { reaction: '👍', emoji: null, userId: 'user-bob' },
    unreacted: { reaction: '👍', userId: 'user-bob' },
    pollVoted: { choice: 0, userId: 'user-bob' },
    deleted: { deletedAt: new Date().toISOString() },
  };
  const update: unknown = { id: noteId, type, body: { ...defaults[type], ...body } };
  return update as Extract<NoteUpdatedEvent, { type: T }>;
}
