import type { IncomingMessage, ServerResponse } from 'node:http';
import { callEndpoint } from './api-endpoints.js';
import type { EmulatedUser } from './builders.js';
import { misskeyErrors, type EmulatedHttpAnswer } from './errors.js';
import type { MisskeyWorld } from './world.js';
import { ScriptedAnswers } from '../scripted-answers.js';

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

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
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

  constructor(
    private readonly world: MisskeyWorld,
    private readonly recordCalls: boolean,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.received += 1;
    const url = new URL(req.url ?? '/', 'http://emulator');
    const endpoint = url.pathname.replace(/^\/api\//, '');
    if (req.method !== 'POST' || !url.pathname.startsWith('/api/')) return write(res, misskeyErrors.unknownRoute(endpoint));
    let body: Record<string, unknown>;
    try {
      const text = await readBody(req);
      const parsed: unknown = text === '' ? {} : JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch {
      return write(res, misskeyErrors.invalidParam('#', 'body must be a JSON object'));
    }
    const answer = this.answer(endpoint, body, req);
    if (this.recordCalls) {
      const { i: _i, ...params } = body;
      this.calls.push({ endpoint, params, status: answer.status });
    }
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
    const { i: _i, ...params } = body;
    return callEndpoint(this.world, endpoint, params, user) ?? misskeyErrors.unknownRoute(endpoint);
  }
}
