/**
 * Replaces every occurrence of each secret in `text` with `***`, for messages and logs that may quote
 * a URL or a request that carried a credential. Empty secrets are ignored.
 *
 * @example
 * ```ts
 * redact('wss://host/streaming?i=abc123', ['abc123']); // 'wss://host/streaming?i=***'
 * ```
 */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}
