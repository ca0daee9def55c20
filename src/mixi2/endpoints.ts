/**
 * The official mixi2 endpoints (fact sheet §3). The stream and the API are different hosts.
 *
 * @example
 * ```ts
 * mixi2Client({ auth, streamAddress: mixi2Endpoints.stream });
 * ```
 */
export const mixi2Endpoints = Object.freeze({
  /** OAuth2 client-credentials token URL. */
  token: 'https://application-auth.mixi.social/oauth2/token',
  /** gRPC target of `application_api.v1.ApplicationService` (TLS). */
  api: 'application-api.mixi.social:443',
  /** gRPC target of `application_stream.v1.ApplicationService` (TLS). */
  stream: 'application-stream.mixi.social:443',
});
