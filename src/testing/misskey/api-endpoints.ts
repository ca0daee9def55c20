import type { EmulatedUser } from './builders.js';
import { misskeyErrors, type EmulatedHttpAnswer } from './errors.js';
import { sniffFileType } from './file-sniffing.js';
import { feedOfEndpoint } from './feeds.js';
import { isUploadedFile } from './http-api.js';
import { noteVisibilities, type PageQuery } from './store.js';
import type { MisskeyWorld } from './world.js';

type Params = Record<string, unknown>;
type Handler = (world: MisskeyWorld, params: Params, user: EmulatedUser | undefined) => EmulatedHttpAnswer;

const ok = (body: unknown): EmulatedHttpAnswer => ({ status: 200, body });
const noContent: EmulatedHttpAnswer = { status: 204 };

function requireUser(user: EmulatedUser | undefined, run: (user: EmulatedUser) => EmulatedHttpAnswer): EmulatedHttpAnswer {
  return user ? run(user) : misskeyErrors.credentialRequired();
}

function noteIdOf(params: Params): string | EmulatedHttpAnswer {
  const noteId = params['noteId'];
  return typeof noteId === 'string' ? noteId : misskeyErrors.invalidParam('#/properties/noteId/type', 'must be string');
}

function pageQueryOf(params: Params): PageQuery | EmulatedHttpAnswer {
  const limit = params['limit'] ?? 10;
  if (typeof limit !== 'number' || !Number.isInteger(limit)) return misskeyErrors.invalidParam('#/properties/limit/type', 'must be integer');
  if (limit > 100) return misskeyErrors.invalidParam('#/properties/limit/maximum', 'must be <= 100');
  if (limit < 1) return misskeyErrors.invalidParam('#/properties/limit/minimum', 'must be >= 1');
  const query: PageQuery = { limit };
  if (typeof params['sinceId'] === 'string') query.sinceId = params['sinceId'];
  if (typeof params['untilId'] === 'string') query.untilId = params['untilId'];
  if (typeof params['sinceDate'] === 'number') query.sinceDate = params['sinceDate'];
  if (typeof params['untilDate'] === 'number') query.untilDate = params['untilDate'];
  return query;
}

/** `fileIds` of a new note: strings naming files of `userId`'s drive, or the error answer. */
function fileIdsOf(world: MisskeyWorld, params: Params, userId: string): string[] | EmulatedHttpAnswer {
  const fileIds = params['fileIds'] ?? [];
  if (!Array.isArray(fileIds) || !fileIds.every((id) => typeof id === 'string')) return misskeyErrors.invalidParam('#/properties/fileIds/type', 'must be array of string');
  return fileIds.every((id) => world.drive.files.get(id)?.userId === userId) ? fileIds : misskeyErrors.noSuchFile();
}

const createNote: Handler = (world, params, user) =>
  requireUser(user, (me) => {
    const visibility = params['visibility'] ?? 'public';
    if (!noteVisibilities.includes(visibility as never)) return misskeyErrors.invalidParam('#/properties/visibility/enum', 'must be equal to one of the allowed values');
    const fileIds = fileIdsOf(world, params, me.id);
    if (!Array.isArray(fileIds)) return fileIds;
    const poll = params['poll'] as { choices?: unknown } | undefined;
    const note = world.createNote(me.id, {
      text: typeof params['text'] === 'string' ? params['text'] : null,
      cw: typeof params['cw'] === 'string' ? params['cw'] : null,
      visibility: visibility as never,
      visibleUserIds: Array.isArray(params['visibleUserIds']) ? (params['visibleUserIds'] as string[]) : [],
      channelId: typeof params['channelId'] === 'string' ? params['channelId'] : null,
      replyId: typeof params['replyId'] === 'string' ? params['replyId'] : null,
      renoteId: typeof params['renoteId'] === 'string' ? params['renoteId'] : null,
      poll: poll && Array.isArray(poll.choices) ? { choices: poll.choices.map(String) } : null,
      fileIds,
    });
    return ok({ createdNote: world.pack(note) });
  });

const textParam = (params: Params, key: string): string | null => (typeof params[key] === 'string' ? params[key] : null);

/** `drive/files/create`: multipart with a `file` part; the content is sniffed, the same bytes give the same file. */
const createDriveFile: Handler = (world, params, user) => {
  if (!user) return misskeyErrors.uploadCredentialRequired();
  const file = params['file'];
  if (!isUploadedFile(file)) return { status: 400 };
  const sniffed = sniffFileType(file.data);
  if (!sniffed) return misskeyErrors.unallowedFileType();
  const flag = (key: string): boolean => params[key] === true || params[key] === 'true';
  const draft = { name: textParam(params, 'name') ?? file.filename, isSensitive: flag('isSensitive'), comment: textParam(params, 'comment'), folderId: textParam(params, 'folderId') };
  return ok(world.drive.pack(world.drive.store(user.id, file.data, sniffed, draft, world.nextId), world.origin));
};

const withNote =
  (run: (world: MisskeyWorld, noteId: string, params: Params, user: EmulatedUser) => EmulatedHttpAnswer): Handler =>
  (world, params, user) =>
    requireUser(user, (me) => {
      const noteId = noteIdOf(params);
      if (typeof noteId !== 'string') return noteId;
      return world.store.notes.has(noteId) ? run(world, noteId, params, me) : misskeyErrors.noSuchNote();
    });

/** A timeline endpoint: pages of its feed (see {@link feedOfEndpoint}), or `missing` when the params name nothing readable. */
const timelineEndpoint =
  (endpoint: string, missing: () => EmulatedHttpAnswer, needsUser: boolean): Handler =>
  (world, params, user) => {
    if (needsUser && !user) return misskeyErrors.credentialRequired();
    const query = pageQueryOf(params);
    if ('status' in query) return query;
    const feed = feedOfEndpoint(world.store, endpoint, params, user?.id);
    return feed ? ok(world.store.page(feed, user?.id, query).map((n) => world.pack(n))) : missing();
  };

/** `i/notifications`: the user's notifications, newest first (also with `sinceId`, as the real server answers). */
const notificationsOf: Handler = (world, params, user) =>
  requireUser(user, (me) => {
    const query = pageQueryOf(params);
    if ('status' in query) return query;
    const include = Array.isArray(params['includeTypes']) ? new Set(params['includeTypes'] as string[]) : undefined;
    const { sinceId, untilId, limit } = query;
    const kept = (world.notifications.get(me.id) ?? []).filter(
      (n) => (sinceId === undefined || n.id > sinceId) && (untilId === undefined || n.id < untilId) && (!include || include.has(String(n['type']))),
    );
    return ok(kept.slice(-limit).reverse());
  });

const noTagQuery = (): EmulatedHttpAnswer => misskeyErrors.invalidParam('#/properties/query', 'tag or query is required');

/**
 * The endpoints the emulator implements, by name.
 * @example
 * ```ts
 * Object.keys(emulatedEndpoints); // ['notes/create', 'notes/delete', …]
 * ```
 */
export const emulatedEndpoints: Readonly<Record<string, Handler>> = {
  'notes/create': createNote,
  'drive/files/create': createDriveFile,
  'notes/delete': withNote((world, noteId) => (world.deleteNote(noteId), noContent)),
  'notes/show': (world, params) => {
    const noteId = noteIdOf(params);
    if (typeof noteId !== 'string') return noteId;
    const note = world.store.notes.get(noteId);
    return note ? ok(world.pack(note)) : misskeyErrors.noSuchNote();
  },
  'notes/reactions/create': withNote((world, noteId, params, me) => {
    const reaction = typeof params['reaction'] === 'string' ? params['reaction'] : '👍';
    return world.react(noteId, me.id, reaction) ? noContent : misskeyErrors.alreadyReacted();
  }),
  'notes/reactions/delete': withNote((world, noteId, _params, me) => (world.unreact(noteId, me.id), noContent)),
  'notes/polls/vote': withNote((world, noteId, params, me) => (world.vote(noteId, me.id, Number(params['choice'])), noContent)),
  'notes/timeline': timelineEndpoint('notes/timeline', misskeyErrors.internal, true),
  'notes/local-timeline': timelineEndpoint('notes/local-timeline', misskeyErrors.internal, false),
  'notes/hybrid-timeline': timelineEndpoint('notes/hybrid-timeline', misskeyErrors.internal, true),
  'notes/global-timeline': timelineEndpoint('notes/global-timeline', misskeyErrors.internal, false),
  'notes/user-list-timeline': timelineEndpoint('notes/user-list-timeline', () => misskeyErrors.noSuch('LIST'), true),
  'antennas/notes': timelineEndpoint('antennas/notes', () => misskeyErrors.noSuch('ANTENNA'), true),
  'channels/timeline': timelineEndpoint('channels/timeline', () => misskeyErrors.noSuch('CHANNEL'), false),
  'roles/notes': timelineEndpoint('roles/notes', () => misskeyErrors.noSuch('ROLE'), true),
  'notes/search-by-tag': timelineEndpoint('notes/search-by-tag', noTagQuery, false),
  'following/create': (world, params, user) =>
    requireUser(user, (me) => {
      const target = world.store.users.get(String(params['userId']));
      if (!target) return misskeyErrors.invalidParam('#/properties/userId', 'no such user');
      world.store.follow(me.id, target.id);
      return ok(world.userLite(target.id));
    }),
  'i/notifications': notificationsOf,
  i: (world, _params, user) => requireUser(user, (me) => ok({ ...world.userLite(me.id), isAdmin: false, isModerator: false })),
  meta: () => ok({ name: 'streamrx emulator', version: '2026.3.2' }),
};

/**
 * Runs an endpoint as `user`; `undefined` when no such endpoint exists.
 * @example
 * ```ts
 * callEndpoint(world, 'notes/show', { noteId }, user); // { status: 200, body: note }
 * ```
 */
export function callEndpoint(world: MisskeyWorld, endpoint: string, params: Params, user: EmulatedUser | undefined): EmulatedHttpAnswer | undefined {
  const handler = emulatedEndpoints[endpoint];
  return handler ? handler(world, params, user) : undefined;
}
