import type { EmulatedUser, StoredNote } from './builders.js';
import type * as entities from 'misskey-js/entities.js';
import type { EmulatedAntenna, EmulatedUserList, Feed } from './feeds.js';

/** Timeline kinds the emulator serves, over HTTP and as channels. */
export type TimelineKind = 'home' | 'local' | 'hybrid' | 'global';

/** Page query of the timeline endpoints. */
export interface PageQuery {
  sinceId?: string;
  untilId?: string;
  /** Milliseconds since epoch. */
  sinceDate?: number;
  untilDate?: number;
  limit: number;
}

/**
 * The emulator's data: users (by id and by token), follow relations, notes in id order, user lists,
 * antennas, roles and note channels. Knows who may see a note on which main timeline.
 * @example
 * ```ts
 * store.page(feedOfEndpoint(store, 'notes/local-timeline', {}, undefined)!, undefined, { sinceId, limit: 10 }); // up to 10 public notes after sinceId, oldest first
 * ```
 */
export class MisskeyStore {
  readonly users = new Map<string, EmulatedUser>();
  readonly usersByToken = new Map<string, EmulatedUser>();
  readonly notes = new Map<string, StoredNote>();
  readonly userLists = new Map<string, EmulatedUserList>();
  readonly antennas = new Map<string, EmulatedAntenna>();
  /** Role id → the ids of the users holding it. */
  readonly roles = new Map<string, ReadonlySet<string>>();
  /** Ids of the Misskey channels notes can be posted to. */
  readonly noteChannels = new Set<string>();
  private readonly following = new Map<string, Set<string>>();

  /** Adds a user; one without a token (an author registered from a note) cannot sign in. */
  addUser(user: EmulatedUser): void {
    this.users.set(user.id, user);
    if (user.token !== '') this.usersByToken.set(user.token, user);
  }

  follow(followerId: string, followeeId: string): void {
    let set = this.following.get(followerId);
    if (!set) this.following.set(followerId, (set = new Set()));
    set.add(followeeId);
  }

  unfollow(followerId: string, followeeId: string): void {
    this.following.get(followerId)?.delete(followeeId);
  }

  follows(followerId: string, followeeId: string): boolean {
    return this.following.get(followerId)?.has(followeeId) ?? false;
  }

  /** Whether `viewerId` (undefined: anonymous) sees `note` on timeline `kind`. */
  visibleOn(kind: TimelineKind, note: StoredNote, viewerId: string | undefined): boolean {
    const isPublic = note.visibility === 'public';
    if (kind === 'local' || kind === 'global') return isPublic;
    if (viewerId === undefined) return false;
    const home = this.visibleOnHome(note, viewerId);
    return kind === 'home' ? home : home || isPublic;
  }

  private visibleOnHome(note: StoredNote, viewerId: string): boolean {
    if (note.userId === viewerId) return true;
    if (note.visibility === 'specified') return note.visibleUserIds.includes(viewerId);
    return this.follows(viewerId, note.userId);
  }

  /** A page of a feed: with `sinceId`/`sinceDate` only, ascending after it; otherwise newest first (as 2026.3.2 does). */
  page(feed: Feed, viewerId: string | undefined, query: PageQuery): StoredNote[] {
    const all = [...this.notes.values()].filter((n) => feed(n, viewerId));
    const { sinceId, untilId, sinceDate, untilDate, limit } = query;
    const bounded = all.filter((n) => {
      const at = Date.parse(n.createdAt);
      return (sinceId === undefined || n.id > sinceId) && (untilId === undefined || n.id < untilId) && (sinceDate === undefined || at > sinceDate) && (untilDate === undefined || at < untilDate);
    });
    const since = sinceId !== undefined || sinceDate !== undefined;
    if (since && untilId === undefined && untilDate === undefined) return bounded.slice(0, limit);
    return bounded.reverse().slice(0, limit);
  }

  /** Whether `viewerId` receives `noteUpdated` events of `note` (recent servers filter by visibility). */
  canSeeUpdates(note: StoredNote, viewerId: string | undefined): boolean {
    if (note.visibility === 'public' || note.visibility === 'home') return true;
    if (viewerId === undefined) return false;
    if (note.userId === viewerId) return true;
    if (note.visibility === 'specified') return note.visibleUserIds.includes(viewerId);
    return this.follows(viewerId, note.userId);
  }
}

/**
 * Visibility values the emulator accepts on `notes/create`.
 * @example
 * ```ts
 * noteVisibilities.includes('followers'); // true
 * ```
 */
export const noteVisibilities: ReadonlyArray<entities.Note['visibility']> = ['public', 'home', 'followers', 'specified'];
