import { defer, firstValueFrom } from 'rxjs';
import {
  ApiError,
  AuthenticationError,
  ConnectionLostError,
  InvalidArgumentError,
  ProtocolError,
  RateLimitError,
  StreamRxError,
} from '../core/errors.js';
import { retryBackoff, type RetryBackoffOptions } from '../core/retry-backoff.js';
import type { Mixi2Auth } from './auth.js';
import { mixi2Endpoints } from './endpoints.js';

/**
 * Options of {@link clientCredentials}.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = { clientId, clientSecret, refreshMargin: 120_000 };
 * ```
 */
export interface ClientCredentialsOptions {
  /** Client ID from the mixi2 Developer Platform. */
  clientId: string;
  /** Client Secret from the mixi2 Developer Platform; never appears in errors or logs. */
  clientSecret: string;
  /** Token endpoint. @default 'https://application-auth.mixi.social/oauth2/token' */
  tokenUrl?: string;
  /** The `fetch` used for token requests. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * How long before expiry a token is replaced, in milliseconds; never more than half the token's lifetime,
   * so short-lived tokens are not fetched on every call.
   * @default 60000
   */
  refreshMargin?: number;
  /** Time allowed for one token request, in milliseconds. @default 10000 */
  requestTimeout?: number;
  /**
   * Backoff for 5xx answers and network errors; a rejected client (4xx) is never retried.
   * @default { initialDelay: 500, maxRetries: 3 }
   */
  retry?: RetryBackoffOptions;
  /** Clock, for tests. @default Date.now */
  now?: () => number;
}

interface CachedToken {
  value: string;
  refreshAt: number;
}

interface TokenAnswer {
  access_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
}

/**
 * The OAuth2 client-credentials flow of mixi2: `POST grant_type=client_credentials` with HTTP Basic client
 * authentication (id and secret URL-encoded, as the official SDK does). The token is cached and replaced
 * `refreshMargin` before expiry; however many callers ask at once, one request is in flight. A rejected
 * client ends with {@link AuthenticationError} at once; 5xx answers and network errors are retried with backoff.
 *
 * @example
 * ```ts
 * const auth = clientCredentials({ clientId: process.env.CLIENT_ID!, clientSecret: process.env.CLIENT_SECRET! });
 * const client = mixi2Client({ auth });
 * ```
 */
export function clientCredentials(options: ClientCredentialsOptions): Mixi2Auth {
  const { clientId, clientSecret, tokenUrl = mixi2Endpoints.token, refreshMargin = 60_000, requestTimeout = 10_000 } = options;
  if (!clientId || !clientSecret) throw new InvalidArgumentError('clientCredentials needs a clientId and a clientSecret');
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? globalThis.fetch;
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;

  const requestOnce = async (): Promise<CachedToken> => {
    let response: Response;
    try {
      response = await doFetch(tokenUrl, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'grant_type=client_credentials',
        signal: AbortSignal.timeout(requestTimeout),
      });
    } catch (error) {
      throw new ConnectionLostError(`token endpoint ${tokenUrl} unreachable`, { cause: error });
    }
    const answer = (await response.json().catch(() => undefined)) as TokenAnswer | undefined;
    if (!response.ok) throw tokenEndpointError(response, answer);
    return cacheEntry(answer, now(), refreshMargin);
  };
  const requestWithRetry = (): Promise<string> =>
    firstValueFrom(defer(requestOnce).pipe(retryBackoff({ initialDelay: 500, maxRetries: 3, ...options.retry }))).then((token) => {
      cached = token;
      return token.value;
    });

  const currentToken = (): string | undefined => (cached !== undefined && now() < cached.refreshAt ? cached.value : undefined);
  return {
    currentToken,
    token: ({ refresh = false } = {}) => {
      const current = refresh ? undefined : currentToken();
      if (current !== undefined) return Promise.resolve(current);
      inFlight ??= requestWithRetry().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

function cacheEntry(answer: TokenAnswer | undefined, issuedAt: number, refreshMargin: number): CachedToken {
  if (typeof answer?.access_token !== 'string' || answer.access_token === '') {
    throw new ProtocolError('token endpoint answered without an access_token');
  }
  const lifetimeMs = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in * 1000 : 0;
  return { value: answer.access_token, refreshAt: issuedAt + lifetimeMs - Math.min(refreshMargin, lifetimeMs / 2) };
}

function tokenEndpointError(response: Response, answer: TokenAnswer | undefined): StreamRxError {
  const code = typeof answer?.error === 'string' ? ` ${answer.error}` : '';
  const what = `token endpoint answered ${response.status}${code}`;
  if (response.status === 429) {
    const seconds = Number(response.headers.get('retry-after'));
    return new RateLimitError(what, seconds > 0 ? { retryAfterMs: seconds * 1000 } : {});
  }
  if (response.status >= 400 && response.status < 500) return new AuthenticationError(`${what}: the client was rejected`);
  return new ApiError(what, answer, { status: response.status, retryable: true });
}
