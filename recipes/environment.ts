import { envSetting, type EnvironmentVariables } from '../src/core/env-setting.js';

/** Where settings come from: `process.env` or a test's record. */
export type Env = EnvironmentVariables;

/**
 * The environment variables the recipes and the demo read. A service whose credentials are set is used
 * for real; any other runs on its in-process emulator.
 *
 * @example
 * ```ts
 * process.env[RECIPE_ENV.misskeyOrigin]; // MISSKEY_ORIGIN
 * ```
 */
export const RECIPE_ENV = Object.freeze({
  /** mixi2 Client ID (with the secret: use the real mixi2). */
  mixi2ClientId: 'MIXI2_CLIENT_ID',
  /** mixi2 Client Secret. */
  mixi2ClientSecret: 'MIXI2_CLIENT_SECRET',
  /** Optional token URL (default: the official one). */
  mixi2TokenUrl: 'MIXI2_TOKEN_URL',
  /** Optional gRPC target of the event stream (default: `application-stream.mixi.social:443`). */
  mixi2StreamAddress: 'MIXI2_STREAM_ADDRESS',
  /** Optional gRPC target of the API (default: `application-api.mixi.social:443`). */
  mixi2ApiAddress: 'MIXI2_API_ADDRESS',
  /** Optional `x-auth-key`. */
  mixi2AuthKey: 'MIXI2_AUTH_KEY',
  /** Optional user id of the bot itself: its own posts are never answered. */
  mixi2BotUserId: 'MIXI2_BOT_USER_ID',
  /** Webhook signature public key (Base64), for the webhook receiver. */
  mixi2WebhookPublicKey: 'MIXI2_WEBHOOK_PUBLIC_KEY',
  /** Port of the webhook receiver (default 8080). */
  mixi2WebhookPort: 'MIXI2_WEBHOOK_PORT',
  /** Misskey server origin, e.g. `https://misskey.example` (with the token: use the real server). */
  misskeyOrigin: 'MISSKEY_ORIGIN',
  /** Misskey access token. */
  misskeyToken: 'MISSKEY_TOKEN',
  /** Momento API key (use the real Momento). */
  momentoApiKey: 'MOMENTO_API_KEY',
  /** Endpoint of a v2 Momento API key. */
  momentoEndpoint: 'MOMENTO_ENDPOINT',
  /** `host:port` of a local Momento-compatible server (instead of a key). */
  momentoLocalEndpoint: 'MOMENTO_LOCAL_ENDPOINT',
  /** Momento cache holding the topics (default `streamrx`). */
  momentoCache: 'MOMENTO_CACHE',
  /** Topic of the cross-network feed (default `streamrx-feed`). */
  momentoTopic: 'MOMENTO_TOPIC',
});

/** mixi2 credentials and addresses from the environment, or `undefined` when the credentials are not set. */
export interface Mixi2Settings {
  clientId: string;
  clientSecret: string;
  tokenUrl?: string;
  streamAddress?: string;
  apiAddress?: string;
  authKey?: string;
}

/**
 * Reads the mixi2 settings; `undefined` unless both the client id and secret are set.
 *
 * @example
 * ```ts
 * const settings = mixi2Settings(process.env); // undefined → use the emulator
 * ```
 */
export function mixi2Settings(env: Env): Mixi2Settings | undefined {
  const clientId = envSetting(env, RECIPE_ENV.mixi2ClientId);
  const clientSecret = envSetting(env, RECIPE_ENV.mixi2ClientSecret);
  if (clientId === undefined || clientSecret === undefined) return undefined;
  const optional = (key: keyof Mixi2Settings, name: string): Partial<Mixi2Settings> => {
    const v = envSetting(env, name);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    clientId,
    clientSecret,
    ...optional('tokenUrl', RECIPE_ENV.mixi2TokenUrl),
    ...optional('streamAddress', RECIPE_ENV.mixi2StreamAddress),
    ...optional('apiAddress', RECIPE_ENV.mixi2ApiAddress),
    ...optional('authKey', RECIPE_ENV.mixi2AuthKey),
  };
}

/**
 * Reads the Misskey origin and token; `undefined` unless both are set.
 *
 * @example
 * ```ts
 * misskeySettings({ MISSKEY_ORIGIN: 'https://misskey.example', MISSKEY_TOKEN: 't' });
 * ```
 */
export function misskeySettings(env: Env): { origin: string; token: string } | undefined {
  const origin = envSetting(env, RECIPE_ENV.misskeyOrigin);
  const token = envSetting(env, RECIPE_ENV.misskeyToken);
  return origin === undefined || token === undefined ? undefined : { origin, token };
}

/**
 * Whether a real Momento (an API key, or a local server's endpoint) is configured.
 *
 * @example
 * ```ts
 * if (!momentoConfigured(process.env)) console.log('using the Momento emulator');
 * ```
 */
export function momentoConfigured(env: Env): boolean {
  return envSetting(env, RECIPE_ENV.momentoApiKey) !== undefined || envSetting(env, RECIPE_ENV.momentoLocalEndpoint) !== undefined;
}

/**
 * The Momento cache and feed topic names.
 *
 * @example
 * ```ts
 * momentoNames({}); // { cacheName: 'streamrx', topic: 'streamrx-feed' }
 * ```
 */
export function momentoNames(env: Env): { cacheName: string; topic: string } {
  return { cacheName: envSetting(env, RECIPE_ENV.momentoCache) ?? 'streamrx', topic: envSetting(env, RECIPE_ENV.momentoTopic) ?? 'streamrx-feed' };
}

/**
 * An optional setting by name (`undefined` when unset or blank).
 *
 * @example
 * ```ts
 * setting(process.env, RECIPE_ENV.mixi2BotUserId);
 * ```
 */
export function setting(env: Env, name: string): string | undefined {
  return envSetting(env, name);
}
