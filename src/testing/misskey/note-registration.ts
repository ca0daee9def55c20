import type * as entities from 'misskey-js/entities.js';
import type { EmulatedUser, StoredNote } from './builders.js';

/**
 * The stored form of a packed note (e.g. one from `buildMisskeyNote`), so the emulator's API can serve it.
 * Reaction counts are not carried over: the store keeps reactions per user, and a packed note does not say
 * who reacted. Poll votes are kept as counts, without voters.
 *
 * @example
 * ```ts
 * world.store.notes.set(note.id, storedNoteOf(buildMisskeyNote({ text: 'hi' })));
 * ```
 */
export function storedNoteOf(note: entities.Note): StoredNote {
  const poll = note.poll ?? null;
  return {
    id: note.id,
    createdAt: note.createdAt,
    userId: note.userId,
    text: note.text,
    cw: note.cw ?? null,
    visibility: note.visibility,
    visibleUserIds: note.visibleUserIds ?? [],
    channelId: note.channelId ?? null,
    replyId: note.replyId ?? null,
    renoteId: note.renoteId ?? null,
    reactions: new Map(),
    poll: poll && { choices: poll.choices.map((c) => c.text), votes: poll.choices.map((c) => c.votes), voters: new Map() },
  };
}

/**
 * The author of a packed note as an emulated user without a token (nobody can sign in as them).
 *
 * @example
 * ```ts
 * authorOf(buildMisskeyNote()); // { id: 'user-alice', username: 'alice', token: '' }
 * ```
 */
export function authorOf(note: entities.Note): EmulatedUser {
  return { id: note.userId, username: note.user.username, token: '' };
}
