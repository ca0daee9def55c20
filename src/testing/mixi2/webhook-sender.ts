import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { encodeMixi2Events } from '../../mixi2/decode-events.js';
import type { Event } from '../../mixi2/protocol.js';
import { MIXI2_SIGNATURE_HEADER, MIXI2_TIMESTAMP_HEADER } from '../../mixi2/webhook-verify.js';

/**
 * How to spoil a webhook delivery, to test a receiver's checks.
 *
 * @example
 * ```ts
 * await emulator.sendWebhook(url, [event], { timestamp: Math.floor(Date.now() / 1000) - 600 }); // stale
 * ```
 */
export interface WebhookFault {
  /** Unix seconds to put in the timestamp header (signed as such). @default now */
  timestamp?: number;
  /** Change one body byte after signing. @default false */
  tamper?: boolean;
  /** Send this signature header instead of the real one. @default the real signature */
  signature?: string;
  /** Leave out a header. @default none */
  omit?: 'signature' | 'timestamp';
  /** Send these bytes as the body (signed), instead of the encoded events. @default the events */
  body?: Uint8Array;
}

interface Delivery {
  url: string;
  body: Uint8Array;
  headers: Record<string, string>;
}

/** Signs and POSTs webhook deliveries as mixi2 does, with its own Ed25519 key. */
export class WebhookSender {
  private readonly privateKey: KeyObject;
  /** The Base64 raw public key a receiver is configured with. */
  readonly publicKey: string;
  private last: Delivery | undefined;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    this.privateKey = privateKey;
    const x = publicKey.export({ format: 'jwk' }).x ?? '';
    this.publicKey = Buffer.from(x, 'base64url').toString('base64');
  }

  /** The signature header value for a body and timestamp string. */
  signatureOf(body: Uint8Array, timestamp: string): string {
    return sign(null, Buffer.concat([body, Buffer.from(timestamp)]), this.privateKey).toString('base64');
  }

  /** Builds the body and headers of a delivery. */
  prepare(events: readonly Event[], fault: WebhookFault = {}): { body: Uint8Array; headers: Record<string, string> } {
    const body = fault.body ?? encodeMixi2Events(events);
    const timestamp = String(fault.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = fault.signature ?? this.signatureOf(body, timestamp);
    const sent = fault.tamper ? flipFirstByte(body) : body;
    const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
    if (fault.omit !== 'signature') headers[MIXI2_SIGNATURE_HEADER] = signature;
    if (fault.omit !== 'timestamp') headers[MIXI2_TIMESTAMP_HEADER] = timestamp;
    return { body: sent, headers };
  }

  /** POSTs a signed delivery of `events` to `url`; resolves with the HTTP status. */
  async send(url: string, events: readonly Event[], fault: WebhookFault = {}): Promise<number> {
    const delivery = { url, ...this.prepare(events, fault) };
    this.last = delivery;
    return post(delivery);
  }

  /** Sends the last delivery again, byte for byte (a replay, or mixi2's retry). */
  async replay(): Promise<number> {
    if (this.last === undefined) throw new Error('no webhook was sent yet');
    return post(this.last);
  }
}

function flipFirstByte(body: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(body.length === 0 ? [0] : body);
  copy[0] = (copy[0] ?? 0) ^ 0xff;
  return copy;
}

async function post({ url, body, headers }: Delivery): Promise<number> {
  const response = await fetch(url, { method: 'POST', body, headers });
  await response.arrayBuffer();
  return response.status;
}
