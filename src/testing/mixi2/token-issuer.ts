import { randomBytes } from 'node:crypto';

/** The emulator's access-token book: which tokens exist and until when. */
export class TokenIssuer {
  private readonly tokens = new Map<string, number>();
  /** Number of token requests answered (successful or not). */
  requests = 0;
  /** While true, every token request is answered 401 invalid_client. */
  rejectClient = false;
  /** Token requests still to be answered 503 before serving normally. */
  failuresPending = 0;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
    /** Lifetime of issued tokens, in seconds. */
    public lifetimeSeconds: number,
  ) {}

  /** Issues a new token. */
  issue(): string {
    const token = `emu_${randomBytes(18).toString('base64url')}`;
    this.tokens.set(token, Date.now() + this.lifetimeSeconds * 1000);
    return token;
  }

  /** Whether a bearer token is known and unexpired. */
  isValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    const until = this.tokens.get(token);
    return until !== undefined && until > Date.now();
  }

  /** Makes every issued token invalid. */
  expireAll(): void {
    this.tokens.clear();
  }

  /** The credentials check of the token endpoint: Basic header or client_secret_post form fields. */
  acceptsClient(authorization: string | undefined, form: URLSearchParams): boolean {
    let id = form.get('client_id');
    let secret = form.get('client_secret');
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decodeURIComponent(decoded.slice(0, colon));
      secret = decodeURIComponent(decoded.slice(colon + 1));
    }
    return id === this.clientId && secret === this.clientSecret;
  }
}

/** Reads the bearer token out of an `authorization` value. */
export function bearerOf(authorization: unknown): string | undefined {
  return typeof authorization === 'string' && authorization.startsWith('Bearer ') ? authorization.slice(7) : undefined;
}
