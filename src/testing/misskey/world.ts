import type * as entities from 'misskey-js/entities.js';
import { buildNote, buildUserLite, type EmulatedUser, type StoredNote } from './builders.js';
import { EmulatedDrive, type StoredDriveFile } from './drive.js';
import { aidxGenerator } from './ids.js';
import { feedOfChannel } from './feeds.js';
import { authorOf, storedNoteOf } from './note-registration.js';
import { MisskeyStore } from './store.js';
import type { EmulatedStreamConnection } from './stream-connection.js';

/** What {@link streamrx/testing!MisskeyEmulator.createNote} accepts. */
export interface NoteDraft {
  /** The text. @default null */
  text?: string | null;
  /** The content warning. @default null */
  cw?: string | null;
  /** Who may see the note. @default 'public' */
  visibility?: entities.Note['visibility'];
  /** The users a `specified` note is visible to. @default [] */
  visibleUserIds?: string[];
  /** The Misskey channel to post to (see {@link streamrx/testing!MisskeyEmulator.createChannel}); such notes stay off the main timelines. @default null */
  channelId?: string | null;
  /** The id of the note this one replies to. @default null */
  replyId?: string | null;
  /** The id of the note this one renotes. @default null */
  renoteId?: string | null;
  /** When the note was created (ISO 8601): an earlier time makes it arrive late, like a federated note. @default now */
  createdAt?: string;
  /** Ids of the author's drive files attached to the note. @default [] */
  fileIds?: string[];
  /** A poll; every choice starts with 0 votes. @default null */
  poll?: {
    /** The choices' texts. */
    choices: string[];
  } | null;
}

/**
 * The emulated server's behaviour: notes, reactions, votes, deletions and broadcasts, and their fan-out
 * as frames to the connected sockets (timeline channels, `noteUpdated` or legacy `note-updated`).
 * @example
 * ```ts
 * const world = new MisskeyWorld(false);
 * world.react(world.createNote(userId, { text: 'hi' }).id, otherId, '👍'); // noteUpdated to followers of the note
 * ```
 */
export class MisskeyWorld {
  readonly store = new MisskeyStore();
  /** Every user's drive files. */
  readonly drive = new EmulatedDrive();
  readonly connections = new Set<EmulatedStreamConnection>();
  readonly nextId = aidxGenerator();
  /** Every notification sent to a user's `main`, oldest first, for `i/notifications`. */
  readonly notifications = new Map<string, Array<{ id: string; createdAt: string } & Record<string, unknown>>>();
  origin = 'http://127.0.0.1';

  constructor(readonly legacy: boolean) {}

  /** The user with this id, or a typed failure for a bad id. */
  user(userId: string): EmulatedUser {
    const user = this.store.users.get(userId);
    if (!user) throw new Error(`no such emulated user: ${userId}`);
    return user;
  }

  /** Packs a user as notes embed it. */
  userLite(userId: string): entities.UserLite {
    return buildUserLite(this.user(userId), this.origin);
  }

  /** Packs a note for the wire (`forStream`: as a timeline channel sends it). */
  pack(note: StoredNote, forStream = false): entities.Note {
    const files = (note.fileIds ?? []).map((id) => this.drive.files.get(id)).filter((f): f is StoredDriveFile => f !== undefined);
    return buildNote(note, this.user(note.userId), this.origin, forStream, files.map((f) => this.drive.pack(f, this.origin)));
  }

  createNote(userId: string, draft: NoteDraft): StoredNote {
    const note: StoredNote = {
      id: this.nextId(),
      createdAt: draft.createdAt ?? new Date().toISOString(),
      userId,
      text: draft.text ?? null,
      cw: draft.cw ?? null,
      visibility: draft.visibility ?? 'public',
      visibleUserIds: draft.visibleUserIds ?? [],
      channelId: draft.channelId ?? null,
      replyId: draft.replyId ?? null,
      renoteId: draft.renoteId ?? null,
      reactions: new Map(),
      poll: draft.poll ? { choices: draft.poll.choices, votes: draft.poll.choices.map(() => 0), voters: new Map() } : null,
      fileIds: draft.fileIds ?? [],
    };
    this.store.notes.set(note.id, note);
    this.publishNote(note);
    this.notifyMentioned(note);
    return note;
  }

  /** A `mention` notification to each local user the note's text names as `@username` (not its author). */
  private notifyMentioned(note: StoredNote): void {
    const names = new Set([...(note.text ?? '').matchAll(/(?<![\w@])@(\w+)(?!@)/g)].map((match) => match[1]));
    for (const user of this.store.users.values()) {
      if (!names.has(user.username) || user.id === note.userId) continue;
      this.notifyMain(user.id, { type: 'mention', userId: note.userId, user: this.userLite(note.userId), note: this.pack(note) });
    }
  }

  /** Makes a packed note (and its author, if unknown) known to the API without publishing it; returns the stored note. */
  registerNote(note: entities.Note): StoredNote {
    if (!this.store.users.has(note.userId)) this.store.addUser(authorOf(note));
    const stored = storedNoteOf(note);
    this.store.notes.set(stored.id, stored);
    return stored;
  }

  private publishNote(note: StoredNote): void {
    const packed = this.pack(note, true);
    for (const connection of this.connections) {
      for (const [id, channel] of connection.channels) {
        const viewerId = connection.user?.id;
        if (feedOfChannel(this.store, channel.name, channel.params, viewerId)?.(note, viewerId)) {
          connection.send({ type: 'channel', body: { id, type: 'note', body: packed } });
        }
      }
    }
  }

  react(noteId: string, userId: string, reaction: string): boolean {
    const note = this.store.notes.get(noteId);
    if (!note || note.reactions.has(userId)) return false;
    note.reactions.set(userId, reaction);
    this.noteUpdated(note, 'reacted', { reaction, emoji: null, userId });
    if (note.userId !== userId) this.notifyMain(note.userId, { type: 'reaction', userId, user: buildUserLite(this.user(userId), this.origin), note: this.pack(note), reaction });
    return true;
  }

  unreact(noteId: string, userId: string): boolean {
    const note = this.store.notes.get(noteId);
    const reaction = note?.reactions.get(userId);
    if (!note || reaction === undefined) return false;
    note.reactions.delete(userId);
    this.noteUpdated(note, 'unreacted', { reaction, userId });
    return true;
  }

  vote(noteId: string, userId: string, choice: number): boolean {
    const poll = this.store.notes.get(noteId)?.poll;
    if (!poll || poll.voters.has(userId) || choice < 0 || choice >= poll.choices.length) return false;
    poll.voters.set(userId, choice);
    poll.votes[choice] = (poll.votes[choice] ?? 0) + 1;
    this.noteUpdated(this.store.notes.get(noteId) as StoredNote, 'pollVoted', { choice, userId });
    return true;
  }

  updateNote(noteId: string, text: string, cw: string | null = null): boolean {
    const note = this.store.notes.get(noteId);
    if (!note) return false;
    note.text = text;
    note.cw = cw;
    this.noteUpdated(note, 'updated', { cw, text });
    return true;
  }

  deleteNote(noteId: string): boolean {
    const note = this.store.notes.get(noteId);
    if (!note) return false;
    this.noteUpdated(note, 'deleted', { deletedAt: new Date().toISOString() });
    this.store.notes.delete(noteId);
    return true;
  }

  /** Sends a server-wide broadcast (`emojiAdded`, `announcementCreated`, …) to every socket. */
  broadcast(type: string, body: unknown): void {
    const frame = JSON.stringify({ type, body });
    for (const connection of this.connections) connection.send(frame);
  }

  /** Sends a channel event to every channel named `channelName` on every socket. */
  emit(channelName: string, type: string, body: unknown): void {
    for (const connection of this.connections) {
      for (const id of connection.channelIdsNamed(channelName)) connection.send({ type: 'channel', body: { id, type, body } });
    }
  }

  private notifyMain(userId: string, notification: Record<string, unknown>): void {
    const body = { id: this.nextId(), createdAt: new Date().toISOString(), ...notification };
    const kept = this.notifications.get(userId) ?? [];
    kept.push(body);
    this.notifications.set(userId, kept);
    for (const connection of this.connections) {
      if (connection.user?.id !== userId) continue;
      for (const id of connection.channelIdsNamed('main')) connection.send({ type: 'channel', body: { id, type: 'notification', body } });
    }
  }

  private noteUpdated(note: StoredNote, type: string, body: unknown): void {
    const current = this.legacy ? undefined : JSON.stringify({ type: 'noteUpdated', body: { id: note.id, type, body } });
    const legacy = this.legacy ? JSON.stringify({ type: 'note-updated', body: { note: this.pack(note) } }) : undefined;
    for (const connection of this.connections) {
      if (!connection.followsNote(note.id) || !this.store.canSeeUpdates(note, connection.user?.id)) continue;
      connection.send(current ?? legacy);
    }
  }
}
