import { routedBody } from './frame.js';
import type { Listener, SocketPort } from './socket-port.js';

/** A copy of the listeners held for one note, as an array. */
function listenersOf(held: Listener | Listener[] | undefined): Listener[] {
  if (held === undefined) return [];
  return Array.isArray(held) ? held.slice() : [held];
}

/**
 * The notes a client follows, reference-counted on the client: one `subNote` (legacy: `capture`) when the
 * first listener of a note arrives, one `unsubNote` (`decapture`) when the last leaves, one re-subscription per
 * note after a reconnect, and O(1) routing of `noteUpdated` (`note-updated`) frames by note id.
 *
 * @example
 * ```ts
 * const notes = new NoteSubscriptions(port, false);
 * notes.attach('9abc', subscriber); // subNote once the socket is open
 * notes.dispatch(frame.body);       // routes {id, type, body} to the note's listeners
 * ```
 */
export class NoteSubscriptions {
  /** Note id → its listener, or its listeners when there are several (most notes have one). */
  private readonly notes = new Map<string, Listener | Listener[]>();

  constructor(
    private readonly port: SocketPort,
    private readonly legacy: boolean,
  ) {}

  attach(noteId: string, listener: Listener): void {
    this.port.acquire();
    const held = this.notes.get(noteId);
    if (held !== undefined) {
      this.notes.set(noteId, [...listenersOf(held), listener]);
      return;
    }
    this.notes.set(noteId, listener);
    this.subscribe(noteId);
  }

  detach(noteId: string, listener: Listener): void {
    const listeners = listenersOf(this.notes.get(noteId));
    const index = listeners.indexOf(listener);
    if (index < 0) return;
    listeners.splice(index, 1);
    if (listeners.length > 0) this.notes.set(noteId, listeners.length === 1 ? (listeners[0] as Listener) : listeners);
    else {
      this.notes.delete(noteId);
      this.port.send(this.legacy ? JSON.stringify({ type: 'decapture', id: noteId }) : JSON.stringify({ type: 'unsubNote', body: { id: noteId } }));
    }
    this.port.release();
  }

  /** Sends one subscription per followed note (after a reconnect). */
  resubscribeAll(): void {
    for (const noteId of this.notes.keys()) this.subscribe(noteId);
  }

  /** Routes a `noteUpdated` body; `false` when it is not `{ id, type, body }`. */
  dispatch(body: unknown): boolean {
    const routed = routedBody(body);
    if (!routed) return false;
    const listeners = this.notes.get(routed.id);
    if (listeners === undefined) return true;
    if (Array.isArray(listeners)) for (const listener of listeners.slice()) listener.next(routed);
    else listeners.next(routed);
    return true;
  }

  /** Routes a legacy `note-updated` body (`{ note }`) as a `snapshot` update; `false` when malformed. */
  dispatchLegacy(body: unknown): boolean {
    const note = (body as { note?: { id?: unknown } } | null)?.note;
    if (typeof note?.id !== 'string') return false;
    const update = { id: note.id, type: 'snapshot', body: { note } };
    for (const listener of listenersOf(this.notes.get(note.id))) listener.next(update);
    return true;
  }

  /** Ends every note stream with `error`. */
  failAll(error: unknown): void {
    for (const held of [...this.notes.values()]) for (const listener of listenersOf(held)) listener.error(error);
  }

  private subscribe(noteId: string): void {
    this.port.send(this.legacy ? JSON.stringify({ type: 'capture', id: noteId }) : JSON.stringify({ type: 'subNote', body: { id: noteId } }));
  }
}
