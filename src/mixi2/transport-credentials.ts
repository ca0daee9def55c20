import { credentials, type ChannelCredentials } from '@grpc/grpc-js';

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

/**
 * Channel credentials for a target: plaintext for a loopback target (an emulator, e.g. one started by
 * `streamrx emulate`), TLS for everything else. {@link mixi2Client} itself stays TLS unless told otherwise;
 * this is the choice the CLI and the recipes make for addresses read from the environment.
 *
 * @example
 * ```ts
 * const streamAddress = process.env.MIXI2_STREAM_ADDRESS ?? mixi2Endpoints.stream;
 * mixi2Client({ auth, streamAddress, credentials: credentialsFor(streamAddress) });
 * ```
 */
export function credentialsFor(target: string): ChannelCredentials {
  return isLoopbackTarget(target) ? credentials.createInsecure() : credentials.createSsl();
}
