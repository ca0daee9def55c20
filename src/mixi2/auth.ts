/**
 * Where the mixi2 client gets its access tokens. {@link clientCredentials} is the standard implementation;
 * anything that can hand out a bearer token fits.
 *
 * @example
 * ```ts
 * const fixed: Mixi2Auth = { token: async () => process.env.MIXI2_TOKEN! };
 * ```
 */
export interface Mixi2Auth {
  /**
   * A currently valid access token. With `refresh: true` the cached token is not trusted (the service just
   * rejected it) and a new one is fetched.
   */
  token(options?: { refresh?: boolean }): Promise<string>;
  /**
   * The cached token if it is valid now, without waiting; `undefined` when {@link Mixi2Auth.token} has to
   * fetch one. Optional: when present, API calls start at once instead of after a Promise turn (which
   * measured about 40 µs of CPU per call at 64 in flight).
   * @default absent (every call waits for `token()`)
   */
  currentToken?(): string | undefined;
}
