import type { EmulatorStats } from '../emulator-controls.js';
import type { EmulatedStreamConnection } from './stream-connection.js';

/**
 * What the Misskey emulator holds and has counted, for leak checks and for waiting on reconnects: the
 * shared counters (`connections` and `openStreams` are both the open `/streaming` sockets) and Misskey's own.
 *
 * @example
 * ```ts
 * expect(emulator.stats()).toMatchObject({ openStreams: 0, channels: 0, noteSubscriptions: 0 });
 * ```
 */
export interface MisskeyEmulatorStats extends EmulatorStats {
  /** Connected channels over all sockets. */
  channels: number;
  /** Subscribed notes over all sockets (one per note per socket, whatever its reference count). */
  noteSubscriptions: number;
  /** Sum of the per-socket note reference counts. */
  noteReferences: number;
  /** Legacy captures over all sockets. */
  captures: number;
  /** Legacy stream API requests held by {@link streamrx/testing!MisskeyEmulator.holdStreamApi}. */
  heldStreamApi: number;
  /** WebSocket upgrades accepted so far (`streamRequests` counts refused ones too). */
  upgrades: number;
  /** Client frames that were not JSON (e.g. the `h` heartbeat), counted even when not recording. */
  nonJsonFrames: number;
  /** Files stored in the drives (an upload of bytes a user already has stores nothing new). */
  driveFiles: number;
  /** Multipart bodies received in full. */
  uploads: number;
  /** Request bodies the client abandoned before their end (an aborted upload). */
  abortedUploads: number;
}

/** The counters the emulator keeps outside its sockets. */
export interface MisskeyCounters {
  streamRequests: number;
  upgrades: number;
  calls: number;
  nonJsonFrames: number;
  heldStreamApi: number;
  driveFiles: number;
  uploads: number;
  abortedUploads: number;
}

/** Adds up the sockets' channels and note subscriptions next to the emulator's counters. */
export function misskeyStatsOf(connections: ReadonlySet<EmulatedStreamConnection>, counters: MisskeyCounters): MisskeyEmulatorStats {
  const stats: MisskeyEmulatorStats = { connections: connections.size, openStreams: connections.size, channels: 0, noteSubscriptions: 0, noteReferences: 0, captures: 0, ...counters };
  for (const connection of connections) {
    stats.channels += connection.channels.size;
    stats.noteSubscriptions += connection.noteRefs.size;
    for (const count of connection.noteRefs.values()) stats.noteReferences += count;
    stats.captures += connection.captures.size;
  }
  return stats;
}
