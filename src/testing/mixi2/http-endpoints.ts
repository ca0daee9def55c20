import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EmulatedMediaUploads } from './media-uploads.js';
import type { TokenIssuer } from './token-issuer.js';

/** Starts the emulator's HTTP side: `POST /oauth2/token`, `POST /upload/<mediaId>` and `GET /media/<mediaId>` (the bytes of a processed upload). Resolves with the server and its port. */
export async function startHttpEndpoints(issuer: TokenIssuer, uploads: EmulatedMediaUploads): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const upload = /^\/upload\/([\w-]+)$/.exec(path);
    // An upload is read as it streams (size checked on the way); everything else is read whole first.
    if (upload?.[1] !== undefined) return uploads.handle(upload[1], request, response);
    const media = /^\/media\/([\w-]+)$/.exec(path);
    if (media?.[1] !== undefined && request.method === 'GET') return uploads.serve(media[1], response);
    readAll(request).then(
      (body) => route(issuer, path, request, body, response),
      () => json(response, 500, { error: 'server_error' }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function route(issuer: TokenIssuer, path: string, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
  if (path === '/oauth2/token') return token(issuer, request, body, response);
  json(response, 404, { error: 'not_found' });
}

function token(issuer: TokenIssuer, request: IncomingMessage, body: Buffer, response: ServerResponse): void {
  issuer.requests += 1;
  if (request.method !== 'POST') return json(response, 405, { error: 'invalid_request' });
  if (issuer.failuresPending > 0) {
    issuer.failuresPending -= 1;
    return json(response, 503, { error: 'temporarily_unavailable' });
  }
  const form = new URLSearchParams(body.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') return json(response, 400, { error: 'unsupported_grant_type' });
  if (issuer.rejectClient || !issuer.acceptsClient(request.headers.authorization, form)) {
    return json(response, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
  }
  json(response, 200, { access_token: issuer.issue(), token_type: 'Bearer', expires_in: issuer.lifetimeSeconds });
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
