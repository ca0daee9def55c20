import type { Note } from './types.js';

/**
 * The event time of a Misskey note, for `withEventTime`: its `createdAt` (ISO 8601) in epoch
 * milliseconds. Timeline frames can arrive out of creation order, and gap-fill after a reconnect delivers
 * notes created during the outage late: give `maxLateness` room for both.
 *
 * @example
 * ```ts
 * import { withEventTime } from 'streamrx';
 * import { misskeyNoteTime } from 'streamrx/misskey';
 * client.channel('homeTimeline').pipe(map((m) => m.body), withEventTime(misskeyNoteTime, { maxLateness: 5_000 }));
 * ```
 */
export function misskeyNoteTime<N extends Pick<Note, 'createdAt'>>(note: N): number {
  return Date.parse(note.createdAt);
}
