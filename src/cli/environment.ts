import { envSetting, type EnvironmentVariables } from '../core/env-setting.js';
import { CredentialsError } from './cli-errors.js';
import { misskeyChannels } from './misskey-channels.js';
import type { ChannelName } from '../misskey/index.js';

/**
 * The process environment, or a stand-in for tests.
 *
 * @example
 * ```ts
 * const env: Environment = { MISSKEY_ORIGIN: 'http://127.0.0.1:3000' };
 * ```
 */
export type Environment = EnvironmentVariables;

/**
 * The variables that hold secrets: their values are redacted from every diagnostic.
 *
 * @example
 * ```ts
 * secretVariables.includes('MISSKEY_TOKEN'); // true
 * ```
 */
export const secretVariables = ['MIXI2_CLIENT_SECRET', 'MIXI2_AUTH_KEY', 'MISSKEY_TOKEN', 'MOMENTO_API_KEY'] as const;

/**
 * mixi2 settings read from the environment.
 *
 * @example
 * ```ts
 * const { clientId, tokenUrl = mixi2Endpoints.token } = mixi2SettingsFrom(process.env);
 * ```
 */
export interface Mixi2Settings {
  clientId: string;
  clientSecret: string;
  tokenUrl: string | undefined;
  streamAddress: string | undefined;
  apiAddress: string | undefined;
  authKey: string | undefined;
}

/**
 * Misskey settings read from the environment.
 *
 * @example
 * ```ts
 * misskey(misskeySettingsFrom(process.env, 'localTimeline'));
 * ```
 */
export interface MisskeySettings {
  origin: string;
  token: string | undefined;
}

const orEmulator = 'or use --emulator';

/**
 * The secret values present in `env`, for redaction.
 *
 * @example
 * ```ts
 * createOutput({ secrets: secretsOf(process.env) });
 * ```
 */
export function secretsOf(env: Environment): string[] {
  return secretVariables.map((name) => env[name]?.trim()).filter((value): value is string => !!value);
}

/**
 * Reads MIXI2_CLIENT_ID, MIXI2_CLIENT_SECRET and the optional MIXI2_TOKEN_URL, MIXI2_STREAM_ADDRESS,
 * MIXI2_API_ADDRESS (unset means the official endpoints) and MIXI2_AUTH_KEY. Throws {@link CredentialsError} naming what is missing.
 *
 * @example
 * ```ts
 * const { clientId, clientSecret } = mixi2SettingsFrom(process.env);
 * ```
 */
export function mixi2SettingsFrom(env: Environment): Mixi2Settings {
  const clientId = envSetting(env, 'MIXI2_CLIENT_ID');
  const clientSecret = envSetting(env, 'MIXI2_CLIENT_SECRET');
  const missing = [clientId ? undefined : 'MIXI2_CLIENT_ID', clientSecret ? undefined : 'MIXI2_CLIENT_SECRET'].filter(Boolean);
  if (!clientId || !clientSecret) {
    throw new CredentialsError('mixi2', `missing credentials: set ${missing.join(' and ')} (optionally MIXI2_TOKEN_URL, MIXI2_STREAM_ADDRESS, MIXI2_API_ADDRESS), ${orEmulator}`);
  }
  return {
    clientId,
    clientSecret,
    tokenUrl: envSetting(env, 'MIXI2_TOKEN_URL'),
    streamAddress: envSetting(env, 'MIXI2_STREAM_ADDRESS'),
    apiAddress: envSetting(env, 'MIXI2_API_ADDRESS'),
    authKey: envSetting(env, 'MIXI2_AUTH_KEY'),
  };
}

/**
 * Reads MISSKEY_ORIGIN and MISSKEY_TOKEN; the token is required only by the channels that need a user.
 * Throws {@link CredentialsError} naming what is missing.
 *
 * @example
 * ```ts
 * const { origin, token } = misskeySettingsFrom(process.env, 'localTimeline');
 * ```
 */
export function misskeySettingsFrom(env: Environment, channel: ChannelName): MisskeySettings {
  const origin = envSetting(env, 'MISSKEY_ORIGIN');
  const token = envSetting(env, 'MISSKEY_TOKEN');
  const tokenNeeded = misskeyChannels[channel].needsToken;
  if (!origin) {
    throw new CredentialsError('misskey', `missing credentials: set MISSKEY_ORIGIN${tokenNeeded ? ' and MISSKEY_TOKEN' : ' (and MISSKEY_TOKEN for personal channels)'}, ${orEmulator}`);
  }
  if (tokenNeeded && !token) throw new CredentialsError('misskey', `missing credentials: channel ${channel} needs MISSKEY_TOKEN, ${orEmulator}`);
  return { origin, token };
}

/**
 * Checks that the environment names a Momento server: MOMENTO_LOCAL_ENDPOINT, or MOMENTO_API_KEY (with
 * MOMENTO_ENDPOINT for a v2 key), as `topicClientFromEnv` reads them. Throws {@link CredentialsError}.
 *
 * @example
 * ```ts
 * requireMomentoCredentials(process.env);
 * const client = topicClientFromEnv();
 * ```
 */
export function requireMomentoCredentials(env: Environment): void {
  if (envSetting(env, 'MOMENTO_LOCAL_ENDPOINT') || envSetting(env, 'MOMENTO_API_KEY')) return;
  throw new CredentialsError(
    'momento',
    `missing credentials: set MOMENTO_API_KEY (and MOMENTO_ENDPOINT for a v2 key), or MOMENTO_LOCAL_ENDPOINT=host:port for a local server, ${orEmulator}`,
  );
}
