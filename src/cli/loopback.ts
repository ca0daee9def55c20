/**
 * Whether a gRPC target (`host:port`, `[::1]:port`, `dns:host:port`) points at this machine, where the
 * emulators listen in plaintext.
 *
 * @example
 * ```ts
 * isLoopbackTarget('127.0.0.1:50051'); // true
 * isLoopbackTarget('application-api.mixi.social:443'); // false
 * ```
 */
export function isLoopbackTarget(target: string): boolean {
  const host = target
    .replace(/^dns:(\/\/[^/]*\/)?/, '')
    .replace(/:\d+$/, '')
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
