/**
 * Serialises one value as one NDJSON line (without the newline): `bigint` becomes a decimal string,
 * bytes (`Uint8Array`, `Buffer`) become base64, `Date` an ISO string; `undefined` fields are dropped.
 *
 * @example
 * ```ts
 * toNdjsonLine({ seconds: 1767225600n, raw: new Uint8Array([1, 2]) }); // '{"seconds":"1767225600","raw":"AQI="}'
 * ```
 */
export function toNdjsonLine(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Record<string, unknown>, key: string, converted: unknown) {
    // `this[key]` is the raw value: Buffer's own toJSON has already run on `converted`.
    const raw = this[key];
    if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
    if (typeof converted === 'bigint') return converted.toString();
    return converted;
  });
}
