import type { Note } from '../../src/misskey/index.js';
import { buildNote, type EmulatedUser } from '../../src/testing/index.js';

const alice: EmulatedUser = { id: 'u-alice', username: 'alice', token: 'alice-token' };

/** A packed Misskey note (as a timeline channel delivers it), built with the testing toolkit's `buildNote`. */
export function note(id: string, text: string | null, options: { userId?: string; reactions?: Record<string, number> } = {}): Note {
  const reactions = new Map<string, string>();
  let n = 0;
  for (const [reaction, count] of Object.entries(options.reactions ?? {})) for (let i = 0; i < count; i++) reactions.set(`reactor-${n++}`, reaction);
  const author = { ...alice, id: options.userId ?? alice.id };
  return buildNote(
    { id, createdAt: '2026-11-27T12:00:00.000Z', userId: author.id, text, cw: null, visibility: 'public', visibleUserIds: [], replyId: null, renoteId: null, reactions, poll: null },
    author,
    'http://127.0.0.1:3000',
  );
}

/** A `homeTimeline` channel message carrying `body`. */
export const timelineMessage = (body: Note) => ({ type: 'note' as const, body });
