import { hashtagsOf, type StoredNote } from './builders.js';
import type { MisskeyStore, TimelineKind } from './store.js';

/** Whether a note belongs on a feed (a timeline channel, or the HTTP endpoint of the same timeline) for a viewer. */
export type Feed = (note: StoredNote, viewerId: string | undefined) => boolean;

/** A user list: its owner and members. */
export interface EmulatedUserList {
  ownerId: string;
  userIds: ReadonlySet<string>;
}

/** An antenna: its owner and keywords (outer array OR, inner array AND, case-insensitive on the text). */
export interface EmulatedAntenna {
  ownerId: string;
  keywords: ReadonlyArray<ReadonlyArray<string>>;
}

/** Whether `words` matches `query`: some inner list whose every word is found by `has`. */
function matchesAny(query: ReadonlyArray<ReadonlyArray<string>>, has: (word: string) => boolean): boolean {
  return query.some((all) => all.length > 0 && all.every((word) => has(word.toLowerCase())));
}

const publicOnly = (accepts: (note: StoredNote) => boolean): Feed => (note) => note.visibility === 'public' && accepts(note);

/** The four main timelines, which leave channel notes out. */
function mainTimelineFeed(store: MisskeyStore, kind: TimelineKind): Feed {
  return (note, viewerId) => !note.channelId && store.visibleOn(kind, note, viewerId);
}

/** Members' notes the viewer may see, on a list the viewer owns. */
function userListFeed(store: MisskeyStore, listId: unknown, viewerId: string | undefined): Feed | undefined {
  const list = typeof listId === 'string' ? store.userLists.get(listId) : undefined;
  if (!list || list.ownerId !== viewerId) return undefined;
  return (note) => list.userIds.has(note.userId) && store.canSeeUpdates(note, viewerId);
}

/** Notes whose text has the antenna's keywords and that the viewer may see, on an antenna the viewer owns. */
function antennaFeed(store: MisskeyStore, antennaId: unknown, viewerId: string | undefined): Feed | undefined {
  const antenna = typeof antennaId === 'string' ? store.antennas.get(antennaId) : undefined;
  if (!antenna || antenna.ownerId !== viewerId) return undefined;
  return (note) => {
    const text = (note.text ?? '').toLowerCase();
    return matchesAny(antenna.keywords, (word) => text.includes(word)) && store.canSeeUpdates(note, viewerId);
  };
}

/** Public notes posted to a Misskey channel. */
function channelFeed(store: MisskeyStore, channelId: unknown): Feed | undefined {
  return typeof channelId === 'string' && store.noteChannels.has(channelId) ? publicOnly((note) => note.channelId === channelId) : undefined;
}

/** Public notes by holders of a role. */
function roleFeed(store: MisskeyStore, roleId: unknown): Feed | undefined {
  const holders = typeof roleId === 'string' ? store.roles.get(roleId) : undefined;
  return holders ? publicOnly((note) => holders.has(note.userId)) : undefined;
}

/** Public notes whose hashtags match `query` (outer array OR, inner array AND). */
function hashtagFeed(query: unknown): Feed | undefined {
  if (!Array.isArray(query) || !query.every((all) => Array.isArray(all) && all.every((tag) => typeof tag === 'string'))) return undefined;
  return publicOnly((note) => {
    const tags = new Set(hashtagsOf(note.text));
    return matchesAny(query as string[][], (tag) => tags.has(tag));
  });
}

const mainTimelines: Readonly<Record<string, TimelineKind>> = {
  homeTimeline: 'home',
  localTimeline: 'local',
  hybridTimeline: 'hybrid',
  globalTimeline: 'global',
};

/**
 * The feed of a connected timeline channel, from its name and params; `undefined` for channels that carry
 * no notes, or params naming nothing the viewer may follow.
 * @example
 * ```ts
 * const feed = feedOfChannel(store, 'hashtag', { q: [['misskey']] }, viewerId);
 * feed?.(note, viewerId); // true for a public note tagged #misskey
 * ```
 */
export function feedOfChannel(store: MisskeyStore, name: string, params: Record<string, unknown>, viewerId: string | undefined): Feed | undefined {
  const main = mainTimelines[name];
  if (main) return mainTimelineFeed(store, main);
  switch (name) {
    case 'userList':
      return userListFeed(store, params['listId'], viewerId);
    case 'antenna':
      return antennaFeed(store, params['antennaId'], viewerId);
    case 'channel':
      return channelFeed(store, params['channelId']);
    case 'roleTimeline':
      return roleFeed(store, params['roleId']);
    case 'hashtag':
      return hashtagFeed(params['q']);
    default:
      return undefined;
  }
}

/** Timeline endpoint → its channel, and the channel params for the endpoint's params. */
const channelOfEndpoint: Readonly<Record<string, { channel: string; params(p: Record<string, unknown>): Record<string, unknown> }>> = {
  'notes/timeline': { channel: 'homeTimeline', params: () => ({}) },
  'notes/local-timeline': { channel: 'localTimeline', params: () => ({}) },
  'notes/hybrid-timeline': { channel: 'hybridTimeline', params: () => ({}) },
  'notes/global-timeline': { channel: 'globalTimeline', params: () => ({}) },
  'notes/user-list-timeline': { channel: 'userList', params: (p) => ({ listId: p['listId'] }) },
  'antennas/notes': { channel: 'antenna', params: (p) => ({ antennaId: p['antennaId'] }) },
  'channels/timeline': { channel: 'channel', params: (p) => ({ channelId: p['channelId'] }) },
  'roles/notes': { channel: 'roleTimeline', params: (p) => ({ roleId: p['roleId'] }) },
  // `tag` is one hashtag, `query` the channel's OR-of-ANDs
  'notes/search-by-tag': { channel: 'hashtag', params: (p) => ({ q: typeof p['tag'] === 'string' ? [[p['tag']]] : p['query'] }) },
};

/**
 * The feed of an HTTP timeline endpoint: the same notes as its streaming channel. `undefined` when the
 * params name nothing the viewer may read (the endpoint then answers with its `NO_SUCH_*` error).
 * @example
 * ```ts
 * const feed = feedOfEndpoint(store, 'roles/notes', { roleId }, viewerId);
 * if (feed) store.page(feed, viewerId, { sinceId, limit: 100 });
 * ```
 */
export function feedOfEndpoint(store: MisskeyStore, endpoint: string, params: Record<string, unknown>, viewerId: string | undefined): Feed | undefined {
  const route = channelOfEndpoint[endpoint];
  return route ? feedOfChannel(store, route.channel, route.params(params), viewerId) : undefined;
}
