import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { AuthenticationError, InvalidArgumentError } from '../core/errors.js';
import { decodeMixi2Events } from './decode-events.js';
import type { Event } from './gen/social/mixi/application/model/v1/event.js';

/**
 * Header carrying the Base64 Ed25519 signature of a webhook delivery.
 *
 * @example
 * ```ts
 * const signature = request.headers[MIXI2_SIGNATURE_HEADER];
 * ```
 */
export const MIXI2_SIGNATURE_HEADER = 'x-mixi2-application-event-signature';
/**
 * Header carrying the Unix time (seconds) of a webhook delivery.
 *
 * @example
 * ```ts
 * const timestamp = request.headers[MIXI2_TIMESTAMP_HEADER];
 * ```
 */
export const MIXI2_TIMESTAMP_HEADER = 'x-mixi2-application-event-timestamp';

/**
 * Options of {@link mixi2WebhookVerifier}.
 *
 * @example
 * ```ts
 * mixi2WebhookVerifier({ publicKey, toleranceSeconds: 60 });
 * ```
 */
export interface Mixi2WebhookVerifyOptions {
  /** The application's Ed25519 public key: Base64 of the 32 raw bytes (as the Developer Platform shows it), or a KeyObject. */
  publicKey: string | KeyObject;
  /** Largest allowed distance between the delivery's timestamp and now, in seconds, either way. @default 300 */
  toleranceSeconds?: number;
  /** Clock in epoch milliseconds, for tests. @default Date.now */
  now?: () => number;
}

/**
 * One delivery as received: the raw body and the two signature headers.
 *
 * @example
 * ```ts
 * check({ body, signature: headers[MIXI2_SIGNATURE_HEADER], timestamp: headers[MIXI2_TIMESTAMP_HEADER] });
 * ```
 */
export interface Mixi2WebhookDelivery {
  /** The raw request body, exactly as received. */
  body: Uint8Array;
  /** The `x-mixi2-application-event-signature` header, if present. */
  signature: string | undefined;
  /** The `x-mixi2-application-event-timestamp` header, exactly as received, if present. */
  timestamp: string | undefined;
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Turns a Base64 raw Ed25519 public key into a KeyObject; {@link InvalidArgumentError} if it is not one.
 *
 * @example
 * ```ts
 * const key = mixi2PublicKey(process.env.SIGNATURE_PUBLIC_KEY!);
 * ```
 */
export function mixi2PublicKey(base64: string): KeyObject {
  const raw = BASE64.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (raw.length !== 32) throw new InvalidArgumentError('the mixi2 public key must be the Base64 of 32 raw Ed25519 bytes');
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** A delivery whose timestamp is out of tolerance (internal: the webhook tells it apart from a bad signature). */
export class StaleTimestampError extends AuthenticationError {}

/**
 * Builds the check of one webhook delivery, in the official order: signature header present and Base64 →
 * timestamp header present and an integer → within ±`toleranceSeconds` → Ed25519 signature over
 * `body ‖ timestamp header` → protobuf `SendEventRequest`. A failed check before decoding throws
 * {@link AuthenticationError} (answer 401); an undecodable body throws `ProtocolError` (answer 400).
 * Returns every event, pings included.
 *
 * @example
 * ```ts
 * const check = mixi2WebhookVerifier({ publicKey: process.env.SIGNATURE_PUBLIC_KEY! });
 * const events = check({ body, signature: req.headers['x-mixi2-application-event-signature'], timestamp: req.headers['x-mixi2-application-event-timestamp'] });
 * ```
 */
export function mixi2WebhookVerifier(options: Mixi2WebhookVerifyOptions): (delivery: Mixi2WebhookDelivery) => Event[] {
  const { toleranceSeconds = 300, now = Date.now } = options;
  const key = typeof options.publicKey === 'string' ? mixi2PublicKey(options.publicKey) : options.publicKey;
  return ({ body, signature, timestamp }) => {
    if (!signature || !BASE64.test(signature)) throw new AuthenticationError('webhook signature header missing or not Base64');
    if (!timestamp || !/^-?\d{1,15}$/.test(timestamp)) throw new AuthenticationError('webhook timestamp header missing or not an integer');
    const skew = Math.floor(now() / 1000) - Number(timestamp);
    if (skew > toleranceSeconds) throw new StaleTimestampError(`webhook timestamp too old (${skew} s)`);
    if (skew < -toleranceSeconds) throw new StaleTimestampError(`webhook timestamp in the future (${-skew} s)`);
    const signed = Buffer.concat([body, Buffer.from(timestamp, 'utf8')]);
    if (!verify(null, signed, key, Buffer.from(signature, 'base64'))) throw new AuthenticationError('webhook signature invalid');
    return decodeMixi2Events(body);
  };
}
