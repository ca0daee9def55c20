import type * as entities from 'misskey-js/entities.js';

/** A user known to the emulator, with the token that authenticates as them. */
export interface EmulatedUser {
  /** The user id the emulator assigned. */
  id: string;
  /** The username. */
  username: string;
  /** The access token that authenticates as this user. */
  token: string;
}

/** A note as the emulator stores it (packed on the way out). */
export interface StoredNote {
  /** The note id. */
  id: string;
  /** When the note was created (ISO 8601). */
  createdAt: string;
  /** The author's user id. */
  userId: string;
  /** The text, `null` for none. */
  text: string | null;
  /** The content warning, `null` for none. */
  cw: string | null;
  /** Who may see the note. */
  visibility: entities.Note['visibility'];
  /** The users a `specified` note is visible to. */
  visibleUserIds: string[];
  /** The Misskey channel the note was posted to; absent or `null` for none. */
  channelId?: string | null;
  /** The note this one replies to, `null` for none. */
  replyId: string | null;
  /** The note this one renotes, `null` for none. */
  renoteId: string | null;
  /** Ids of the drive files attached; absent or empty for none. */
  fileIds?: string[];
  /** Each reacting user's reaction, by user id. */
  reactions: Map<string, string>;
  /** The poll, `null` for none. */
  poll: {
    /** The choices' texts. */
    choices: string[];
    /** Votes per choice, in the order of `choices`. */
    votes: number[];
    /** Each voter's choice index, by user id. */
    voters: Map<string, number>;
  } | null;
}

/**
 * The lowercased hashtags of a note's text, each once (`#Misskey` → `misskey`).
 * @example
 * ```ts
 * hashtagsOf('hello #Misskey #rx'); // ['misskey', 'rx']
 * ```
 */
export function hashtagsOf(text: string | null): string[] {
  return [...new Set([...(text ?? '').matchAll(/(?:^|\s)#([\p{L}\p{N}_]+)/gu)].map((m) => (m[1] as string).toLowerCase()))];
}

function tagsOf(text: string | null): { tags?: string[] } {
  const tags = hashtagsOf(text);
  return tags.length > 0 ? { tags } : {};
}

/**
 * Packs a user as Misskey 2026.3.2 embeds it in notes (the `UserLite` shape of the captured frames).
 *
 * @example
 * ```ts
 * buildUserLite({ id: 'u1', username: 'admin', token: 't' }, 'http://127.0.0.1:3000');
 * ```
 */
export function buildUserLite(user: EmulatedUser, origin: string): entities.UserLite {
  return {
    id: user.id,
    name: null,
    username: user.username,
    host: null,
    avatarUrl: `${origin}/identicon/${user.username}@${new URL(origin).host}`,
    avatarBlurhash: null,
    avatarDecorations: [],
    isBot: false,
    isCat: false,
    emojis: {},
    onlineStatus: 'online',
    badgeRoles: [],
  } as entities.UserLite;
}

/**
 * Packs a stored note in the shape of the notes captured from Misskey 2026.3.2: `notes/create`'s
 * `createdNote`, or with `forStream` a timeline channel's `note` event (which adds `reactionAndUserPairCache`).
 * `tags` appears when the text has hashtags; `files` are the attached drive files, packed.
 *
 * @example
 * ```ts
 * const frame = { type: 'channel', body: { id: 'c1', type: 'note', body: buildNote(note, author, origin) } };
 * ```
 */
export function buildNote(note: StoredNote, author: EmulatedUser, origin: string, forStream = false, files: entities.DriveFile[] = []): entities.Note {
  const reactions: Record<string, number> = {};
  for (const reaction of note.reactions.values()) reactions[reaction] = (reactions[reaction] ?? 0) + 1;
  const packed: Record<string, unknown> = {
    id: note.id,
    createdAt: note.createdAt,
    userId: note.userId,
    user: buildUserLite(author, origin),
    text: note.text,
    cw: note.cw,
    visibility: note.visibility,
    localOnly: false,
    reactionAcceptance: null,
    renoteCount: 0,
    repliesCount: 0,
    reactionCount: note.reactions.size,
    reactions,
    reactionEmojis: {},
    ...(forStream ? { reactionAndUserPairCache: [] } : {}),
    ...tagsOf(note.text),
    fileIds: files.map((f) => f.id),
    files,
    replyId: note.replyId,
    renoteId: note.renoteId,
    clippedCount: 0,
  };
  if (note.channelId) packed['channelId'] = note.channelId;
  if (note.visibility === 'specified') packed['visibleUserIds'] = note.visibleUserIds;
  if (note.poll) {
    packed['hasPoll'] = true;
    packed['poll'] = {
      multiple: false,
      expiresAt: null,
      choices: note.poll.choices.map((text, i) => ({ text, votes: note.poll?.votes[i] ?? 0, isVoted: false })),
    };
  }
  return packed as unknown as entities.Note;
}
