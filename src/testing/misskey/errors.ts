/** A Misskey API error as the server puts it in `{ error: ... }`. */
export interface MisskeyErrorBody {
  message: string;
  code: string;
  id: string;
  kind: 'client' | 'server' | 'permission';
  info?: unknown;
}

/** An HTTP answer of the emulated API: status, JSON body (none for 204), extra headers. */
export interface EmulatedHttpAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const WWW_INVALID_TOKEN = 'Bearer realm="Misskey", error="invalid_token", error_description="Failed to authenticate"';

/**
 * Builds the `{ error }` answer Misskey sends for a failed call.
 * @example
 * ```ts
 * errorAnswer(400, { message: 'No such note.', code: 'NO_SUCH_NOTE', id: '24fcbfc6-…', kind: 'client' });
 * ```
 */
export function errorAnswer(status: number, error: MisskeyErrorBody, headers?: Record<string, string>): EmulatedHttpAnswer {
  return headers ? { status, body: { error }, headers } : { status, body: { error } };
}

/** The error bodies of the timeline endpoints (`notes/user-list-timeline`, `antennas/notes`, `channels/timeline`, `roles/notes`). */
const noSuchBodies = {
  LIST: { message: 'No such list.', code: 'NO_SUCH_LIST', id: '8fb1fbd5-e476-4c37-9fb0-43d55b63a2ff' },
  ANTENNA: { message: 'No such antenna.', code: 'NO_SUCH_ANTENNA', id: '850926e0-fd3b-49b6-b69a-b28a5dbd82fe' },
  CHANNEL: { message: 'No such channel.', code: 'NO_SUCH_CHANNEL', id: '4d0eeeba-a02c-4c3c-9966-ef60d38d2e7f' },
  ROLE: { message: 'No such role.', code: 'NO_SUCH_ROLE', id: 'eb70323a-df61-4dd4-ad90-89c83c7cf26e' },
} as const;

/**
 * The error answers the emulator produces, with the ids observed on Misskey 2026.3.2.
 * @example
 * ```ts
 * misskeyErrors.rateLimited(3); // 429 with Retry-After: 3
 * ```
 */
export const misskeyErrors = {
  authenticationFailed: (): EmulatedHttpAnswer =>
    errorAnswer(
      401,
      { message: 'Authentication failed. Please ensure your token is correct.', code: 'AUTHENTICATION_FAILED', id: 'b0a7f5f8-dc2f-4171-b91f-de88ad238e14', kind: 'client' },
      { 'WWW-Authenticate': WWW_INVALID_TOKEN },
    ),
  credentialRequired: (): EmulatedHttpAnswer =>
    errorAnswer(
      401,
      { message: 'Credential required.', code: 'CREDENTIAL_REQUIRED', id: '1384574d-a912-4b81-8601-c7b1c4085df1', kind: 'client' },
      { 'WWW-Authenticate': 'Bearer realm="Misskey"' },
    ),
  noSuchNote: (): EmulatedHttpAnswer =>
    errorAnswer(400, { message: 'No such note.', code: 'NO_SUCH_NOTE', id: '24fcbfc6-2e37-42b6-8388-c29b3861a08d', kind: 'client' }),
  /** What a timeline endpoint answers for an unknown (or not owned) list, antenna, channel or role. */
  noSuch: (what: 'LIST' | 'ANTENNA' | 'CHANNEL' | 'ROLE'): EmulatedHttpAnswer => errorAnswer(400, { ...noSuchBodies[what], kind: 'client' }),
  alreadyReacted: (): EmulatedHttpAnswer =>
    errorAnswer(400, { message: 'You are already reacting to that note.', code: 'ALREADY_REACTED', id: '71efcf98-86d6-4e2b-b2ad-9d032369366b', kind: 'client' }),
  invalidParam: (param: string, reason: string): EmulatedHttpAnswer =>
    errorAnswer(400, {
      message: 'Invalid param.',
      code: 'INVALID_PARAM',
      id: '3d81ceae-475f-4600-b2a8-2bc116157532',
      kind: 'client',
      info: { param, reason },
    }),
  rateLimited: (retryAfterSec: number, now = Date.now()): EmulatedHttpAnswer => misskeyErrors.rateLimitedFor(retryAfterSec * 1000, now, { remaining: 0, total: 1 }),
  /** 429 for a wait of `waitMs` from `now` (epoch ms): `Retry-After` in whole seconds rounded up, `info` with the exact `resetMs`. */
  rateLimitedFor: (waitMs: number, now: number, limit: { remaining: number; total: number }): EmulatedHttpAnswer => {
    const resetMs = Math.ceil(now + waitMs);
    return errorAnswer(
      429,
      {
        message: 'Rate limit exceeded. Please try again later.',
        code: 'RATE_LIMIT_EXCEEDED',
        id: 'd5826d14-3982-4d2e-8011-b9e9f02499ef',
        kind: 'client',
        info: { remaining: limit.remaining, reset: Math.floor(resetMs / 1000), resetMs, total: limit.total },
      },
      { 'Retry-After': String(Math.ceil(waitMs / 1000)) },
    );
  },
  /** `drive/files/create` with content the server does not accept (sniffed, not declared). */
  unallowedFileType: (): EmulatedHttpAnswer =>
    errorAnswer(400, { message: 'Cannot upload the file because it is an unallowed file type.', code: 'UNALLOWED_FILE_TYPE', id: '4becd248-7f2c-48c4-a9f0-75edc4f9a1ea', kind: 'client' }),
  /** `drive/files/create` without a credential: 400 here, where other endpoints answer 401 (observed on 2026.3.2). */
  uploadCredentialRequired: (): EmulatedHttpAnswer => ({ ...misskeyErrors.credentialRequired(), status: 400 }),
  /** A note's `fileIds` naming a file that is not the author's. */
  noSuchFile: (): EmulatedHttpAnswer =>
    errorAnswer(400, { message: 'Some files are not found.', code: 'NO_SUCH_FILE', id: 'b6992544-63e7-67f0-fa7f-32444b1b5306', kind: 'client' }),
  internal: (): EmulatedHttpAnswer =>
    errorAnswer(500, {
      message: 'Internal error occurred. Please contact us if the error persists.',
      code: 'INTERNAL_ERROR',
      id: '5d37dbcb-891e-41ca-a3d6-e690c97775ac',
      kind: 'server',
      info: { e: { message: 'emulated failure', code: 'EMULATED', id: '00000000-0000-0000-0000-000000000000' } },
    }),
  unknownRoute: (endpoint: string): EmulatedHttpAnswer => ({
    status: 404,
    body: { message: `Route POST:/api/${endpoint} not found`, error: 'Not Found', statusCode: 404 },
  }),
} as const;
