import { InvalidArgumentError } from '../core/errors.js';
import { envSetting, type EnvironmentVariables } from '../core/env-setting.js';
import { misskey, type MisskeyClient, type MisskeyOptions } from './client.js';

/**
 * Options of {@link misskeyFromEnv}: where the variables are read, and any {@link MisskeyOptions} besides
 * `origin` and `token`, which come from the environment.
 *
 * @example
 * ```ts
 * misskeyFromEnv({ env: { MISSKEY_ORIGIN: 'https://misskey.example' }, closeDelay: 0 });
 * ```
 */
export interface MisskeyFromEnvOptions extends Omit<MisskeyOptions, 'origin' | 'token'> {
  /** Where the variables are read. @default process.env */
  env?: EnvironmentVariables;
}

/**
 * Creates a {@link misskey} client from the environment: `MISSKEY_ORIGIN` (required, e.g.
 * `https://misskey.example`, or an emulator's origin from `streamrx emulate`) and `MISSKEY_TOKEN`
 * (optional: public channels and endpoints work without it). Throws `InvalidArgumentError` when the origin
 * is missing or not an http(s) URL.
 *
 * @example
 * ```ts
 * const client = misskeyFromEnv();
 * client.channel('localTimeline').subscribe((message) => console.log(message.body.text));
 * ```
 */
export function misskeyFromEnv(options: MisskeyFromEnvOptions = {}): MisskeyClient {
  const { env = process.env, ...clientOptions } = options;
  const origin = envSetting(env, 'MISSKEY_ORIGIN');
  if (origin === undefined) throw new InvalidArgumentError('misskey: set MISSKEY_ORIGIN (and MISSKEY_TOKEN for personal channels)');
  if (!/^https?:\/\/[^/]/i.test(origin)) throw new InvalidArgumentError(`misskey: MISSKEY_ORIGIN must be an http(s) URL, got ${JSON.stringify(origin)}`);
  const token = envSetting(env, 'MISSKEY_TOKEN');
  return misskey({ ...clientOptions, origin, ...(token ? { token } : {}) });
}
