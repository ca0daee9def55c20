import type { IncomingMessage, ServerResponse } from 'node:http';
import { callEndpoint } from './api-endpoints.js';
import type { EmulatedUser } from './builders.js';
import type { EndpointRateLimiter } from './endpoint-rate-limiter.js';
import { misskeyErrors, type EmulatedHttpAnswer } from './errors.js';
import { boundaryOf, MultipartParseError, parseMultipart } from './multipart-parser.js';
import type { MisskeyWorld } from './world.js';
import { ScriptedAnswers } from '../scripted-answers.js';

/** A file part of a multipart call, as the endpoints see it among the params. */
export interface UploadedFile {
  /** The part's file name. */
  filename: string;
  /** The part's declared content type (the drive sniffs the content instead). */
  type: string | undefined;
  /** The bytes. */
  data: Buffer;
}

/** The largest request body the emulator reads; a larger one gets 413 and the connection is closed. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** A request body that ended before it was complete (the client aborted), or was too large. */
class BodyNotRead extends Error {
  constructor(readonly tooLarge: boolean) {
    super(tooLarge ? 'body too large' : 'body aborted');
  }
}

/** One HTTP API call the emulator received (the credential removed). */
export interface RecordedApiCall {
  /** The endpoint, e.g. `notes/create`. */
  endpoint: string;
  /** The request body, without the credential `i`. */
  params: Record<string, unknown>;
  /** The HTTP status the emulator answered with. */
  status: number;
}

/** The credential of a call: the Bearer header wins over the body's `i`; `null` means a malformed `i`. */
function credentialOf(req: IncomingMessage, body: Record<string, unknown>): string | undefined | null {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7);
  const i = body['i'];
  if (i === undefined) return undefined;
  return typeof i === 'string' ? i : null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (c: Buffer) => {
      length += c.length;
      if (length > MAX_BODY_BYTES) reject(new BodyNotRead(true));
      else chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', () => reject(new BodyNotRead(false)));
    req.on('close', () => {
      if (!req.complete) reject(new BodyNotRead(false));
    });
  });
}

/** A multipart body as params: text fields as strings, file parts as {@link UploadedFile}s. */
function multipartParams(body: Buffer, boundary: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const part of parseMultipart(body, boundary)) {
    params[part.name] = part.filename === undefined ? part.data.toString('utf8') : ({ filename: part.filename, type: part.type, data: part.data } satisfies UploadedFile);
  }
  return params;
}

/** The params of a call as recorded: without the credential, files as their name, type and size (not their bytes). */
function recordedParams(body: Record<string, unknown>): Record<string, unknown> {
  const { i: _i, ...params } = body;
  for (const [key, value] of Object.entries(params)) {
    if (isUploadedFile(value)) params[key] = { filename: value.filename, type: value.type, size: value.data.length };
  }
  return params;
}

/**
 * Whether a param is a file part of a multipart call.
 * @example
 * ```ts
 * if (isUploadedFile(params['file'])) store(params['file'].data);
 * ```
 */
export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).data);
}

function jsonParams(body: Buffer): Record<string, unknown> {
  const text = body.toString('utf8');
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
  return parsed as Record<string, unknown>;
}

function write(res: ServerResponse, answer: EmulatedHttpAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers).end();
    return;
  }
  const text = JSON.stringify(answer.body);
  headers['Content-Type'] = 'application/json; charset=utf-8';
  headers['Content-Length'] = String(Buffer.byteLength(text));
  res.writeHead(answer.status, headers).end(text);
}

/**
 * Serves `POST /api/<endpoint>` like Misskey: JSON in, JSON out (204 without body), the credential as `i` or
 * Bearer, Misskey's `{ error }` bodies, injected rate limits and failures.
 * @example
 * ```ts
 * const api = new EmulatedHttpApi(world, true);
 * createServer((req, res) => void api.handle(req, res));
 * ```
 */
export class EmulatedHttpApi {
  /** Answers scripted for the next calls (`failNext`, `rateLimitNext`). */
  readonly scripted = new ScriptedAnswers<EmulatedHttpAnswer>();
  readonly calls: RecordedApiCall[] = [];
  /** Calls received so far, counted even when not recording. */
  received = 0;
  /** While true, every credential is refused with 401 AUTHENTICATION_FAILED. */
  rejectCredentials = false;
  /** Multipart bodies received in full. */
  uploads = 0;
  /** Request bodies the client abandoned before their end. */
  abortedUploads = 0;

  constructor(
    private readonly world: MisskeyWorld,
    private readonly recordCalls: boolean,
    private readonly limiter: EndpointRateLimiter,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.received += 1;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const endpoint = url.pathname.replace(/^\/api\//, '');
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/')) return write(res, misskeyErrors.unknownRoute(endpoint));
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if ((error as BodyNotRead).tooLarge) res.writeHead(413, { Connection: 'close' }).end(() => req.destroy());
      else this.abortedUploads += 1;
      return;
    }
    const boundary = boundaryOf(req.headers['content-type']);
    let body: Record<string, unknown>;
    try {
      body = boundary === undefined ? jsonParams(raw) : multipartParams(raw, boundary);
    } catch (error) {
      const reason = error instanceof MultipartParseError ? `malformed multipart body: ${error.message}` : 'body must be a JSON object';
      return write(res, misskeyErrors.invalidParam('#', reason));
    }
    if (boundary !== undefined) this.uploads += 1;
    const answer = this.answer(endpoint, body, req);
    if (this.recordCalls) this.calls.push({ endpoint, params: recordedParams(body), status: answer.status });
    write(res, answer);
  }

  private answer(endpoint: string, body: Record<string, unknown>, req: IncomingMessage): EmulatedHttpAnswer {
    const credential = credentialOf(req, body);
    if (credential === null) return { status: 400 };
    let user: EmulatedUser | undefined;
    if (credential !== undefined) {
      user = this.world.store.usersByToken.get(credential);
      if (!user || this.rejectCredentials) return misskeyErrors.authenticationFailed();
    }
    const scripted = this.scripted.take(endpoint);
    if (scripted) return scripted;
    const refused = this.limiter.admit(endpoint, user?.id ?? `address ${req.socket.remoteAddress ?? ''}`);
    if (refused) return refused;
    const { i: _i, ...params } = body;
    return callEndpoint(this.world, endpoint, params, user) ?? misskeyErrors.unknownRoute(endpoint);
  }
}
