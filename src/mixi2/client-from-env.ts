import { InvalidArgumentError } from '../core/errors.js';
import { envSetting, type EnvironmentVariables } from '../core/env-setting.js';
import { clientCredentials } from './client-credentials.js';
import { mixi2Client, type Mixi2Client, type Mixi2ClientOptions } from './client.js';
import { mixi2Endpoints } from './endpoints.js';
import { credentialsFor, isLoopbackTarget } from './transport-credentials.js';

/**
 * Options of {@link mixi2ClientFromEnv}: where the variables are read, and any {@link Mixi2ClientOptions}
 * besides `auth`, the addresses and `credentials`, which come from the environment.
 *
 * @example
 * ```ts
 * mixi2ClientFromEnv({ env: { MIXI2_CLIENT_ID: 'id', MIXI2_CLIENT_SECRET: 'secret' }, apiTimeout: 5000 });
 * ```
 */
export interface Mixi2ClientFromEnvOptions extends Omit<Mixi2ClientOptions, 'auth' | 'streamAddress' | 'apiAddress' | 'credentials' | 'authKey'> {
  /** Where the variables are read. @default process.env */
  env?: EnvironmentVariables;
}

/**
 * Creates a {@link mixi2Client} from the environment: `MIXI2_CLIENT_ID` and `MIXI2_CLIENT_SECRET` (required),
 * `MIXI2_TOKEN_URL`, `MIXI2_STREAM_ADDRESS`, `MIXI2_API_ADDRESS` (default: the official endpoints) and
 * `MIXI2_AUTH_KEY` (optional). A loopback address (an emulator, e.g. from `streamrx emulate`) is reached in
 * plaintext, every other over TLS. Throws `InvalidArgumentError` naming the missing variables (never
 * their values).
 *
 * @example
 * ```ts
 * const client = mixi2ClientFromEnv();
 * client.events().pipe(filter(isPostCreated)).subscribe((event) => console.log(event.eventId));
 * ```
 */
export function mixi2ClientFromEnv(options: Mixi2ClientFromEnvOptions = {}): Mixi2Client {
  const { env = process.env, ...clientOptions } = options;
  const clientId = envSetting(env, 'MIXI2_CLIENT_ID');
  const clientSecret = envSetting(env, 'MIXI2_CLIENT_SECRET');
  if (clientId === undefined || clientSecret === undefined) {
    const missing = [clientId ? undefined : 'MIXI2_CLIENT_ID', clientSecret ? undefined : 'MIXI2_CLIENT_SECRET'].filter(Boolean);
    throw new InvalidArgumentError(`mixi2: set ${missing.join(' and ')} (see \`streamrx emulate\` for a local emulator)`);
  }
  const streamAddress = envSetting(env, 'MIXI2_STREAM_ADDRESS') ?? mixi2Endpoints.stream;
  const apiAddress = envSetting(env, 'MIXI2_API_ADDRESS') ?? mixi2Endpoints.api;
  if (isLoopbackTarget(streamAddress) !== isLoopbackTarget(apiAddress)) {
    // One client has one kind of channel credentials: plaintext for both, or TLS for both.
    throw new InvalidArgumentError('mixi2: MIXI2_STREAM_ADDRESS and MIXI2_API_ADDRESS must both be loopback (an emulator) or both remote');
  }
  const tokenUrl = envSetting(env, 'MIXI2_TOKEN_URL');
  const authKey = envSetting(env, 'MIXI2_AUTH_KEY');
  return mixi2Client({
    ...clientOptions,
    auth: clientCredentials({ clientId, clientSecret, ...(tokenUrl ? { tokenUrl } : {}) }),
    streamAddress,
    apiAddress,
    credentials: credentialsFor(streamAddress),
    ...(authKey ? { authKey } : {}),
  });
}
