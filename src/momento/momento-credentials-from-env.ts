import { CredentialProvider, MomentoLocalProvider } from '@gomomento/sdk';
import { envSetting, type EnvironmentVariables } from '../core/env-setting.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * The Momento credentials the environment names, as {@link topicClientFromEnv} and {@link cacheClientFromEnv}
 * read them: `MOMENTO_LOCAL_ENDPOINT=host:port` (a plaintext local server such as the streamrx emulator,
 * no key), otherwise `MOMENTO_API_KEY` (required) with `MOMENTO_ENDPOINT` for a v2 key. Throws
 * `InvalidArgumentError` (never quoting the key) when nothing usable is set.
 *
 * @example
 * ```ts
 * new CacheClient({ credentialProvider: momentoCredentialsFromEnv(process.env), configuration, defaultTtlSeconds: 60 });
 * ```
 */
export function momentoCredentialsFromEnv(env: EnvironmentVariables): CredentialProvider {
  const local = envSetting(env, 'MOMENTO_LOCAL_ENDPOINT');
  if (local) return localProvider(local);
  const apiKey = envSetting(env, 'MOMENTO_API_KEY');
  if (!apiKey) throw new InvalidArgumentError('MOMENTO_API_KEY is not set (or set MOMENTO_LOCAL_ENDPOINT=host:port)');
  const endpoint = envSetting(env, 'MOMENTO_ENDPOINT');
  try {
    return endpoint ? CredentialProvider.fromApiKeyV2({ apiKey, endpoint }) : CredentialProvider.fromString({ apiKey });
  } catch {
    // The SDK's parse error may quote the key, so it is not attached.
    throw new InvalidArgumentError(
      endpoint ? 'MOMENTO_API_KEY is not a valid v2 Momento API key' : 'MOMENTO_API_KEY is not a valid Momento API key (set MOMENTO_ENDPOINT for a v2 key)',
    );
  }
}

function localProvider(endpoint: string): CredentialProvider {
  const match = /^([^:\s]+):(\d{1,5})$/.exec(endpoint);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`MOMENTO_LOCAL_ENDPOINT must be host:port, got "${endpoint}"`);
  }
  return new MomentoLocalProvider({ hostname: match[1]!, port });
}
