import { InvalidArgumentError } from '../core/errors.js';

/**
 * The note ids a `noteUpdates` subscription follows: one id as given, or the distinct ids of an iterable
 * (a note listed twice is followed once). Throws {@link InvalidArgumentError} for an empty or non-string id,
 * or a value that is neither a string nor iterable.
 * @example
 * ```ts
 * followedNoteIds(['9a', '9b', '9a']); // ['9a', '9b']
 * ```
 */
export function followedNoteIds(notes: string | Iterable<string>): string | readonly string[] {
  if (typeof notes === 'string') return checkedNoteId(notes);
  if (notes === null || typeof (notes as Partial<Iterable<string>>)?.[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError('noteUpdates takes a note id or an iterable of note ids');
  }
  const distinct = new Set<string>();
  for (const id of notes) distinct.add(checkedNoteId(id));
  return [...distinct];
}

function checkedNoteId(id: unknown): string {
  if (typeof id !== 'string' || id === '') throw new InvalidArgumentError('noteId must be a non-empty string');
  return id;
}
