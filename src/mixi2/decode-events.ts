import { ProtocolError } from '../core/errors.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';
import { SendEventRequest } from './gen/social/mixi/application/service/client_endpoint/v1/service.js';

/**
 * Decodes a protobuf `SendEventRequest` (the webhook body; byte-identical to a stream
 * `SubscribeEventsResponse`) into its events. Any malformed input ends in {@link ProtocolError}, never in
 * another exception.
 *
 * @example
 * ```ts
 * const events = decodeMixi2Events(new Uint8Array(body));
 * ```
 */
export function decodeMixi2Events(bytes: Uint8Array): Event[] {
  try {
    return SendEventRequest.decode(bytes).events;
  } catch (error) {
    throw new ProtocolError(`undecodable mixi2 event batch (${bytes.length} bytes): ${(error as Error)?.message ?? 'unknown'}`, {
      cause: error,
    });
  }
}

/**
 * Encodes events as a protobuf `SendEventRequest` (the webhook body and the stream message layout), for
 * forwarding events as bytes (e.g. through a pub/sub topic).
 *
 * @example
 * ```ts
 * const bytes = encodeMixi2Events([event]);
 * decodeMixi2Events(bytes)[0]?.eventId === event.eventId; // true
 * ```
 */
export function encodeMixi2Events(events: readonly Event[]): Uint8Array {
  return SendEventRequest.encode({ events: [...events] }).finish();
}
