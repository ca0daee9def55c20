import { Client, Metadata, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { startMixi2Emulator, type Mixi2Emulator } from '../../src/testing/mixi2/index.js';

let emulator: Mixi2Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const form = (body: string, headers: Record<string, string> = {}) => ({
  method: 'POST',
  body,
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
});

describe('mixi2 emulator answers bad input as the service would', () => {
  it('token endpoint: unsupported grant 400, wrong client 401, client_secret_post accepted, GET 405', async () => {
    emulator = await startMixi2Emulator();
    const { tokenUrl, clientId, clientSecret } = emulator;
    expect((await fetch(tokenUrl, form('grant_type=password'))).status).toBe(400);
    const wrong = await fetch(tokenUrl, form(`grant_type=client_credentials&client_id=${clientId}&client_secret=nope`));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const ok = await fetch(tokenUrl, form(`grant_type=client_credentials&client_id=${clientId}&client_secret=${encodeURIComponent(clientSecret)}`));
    expect(await ok.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect((await fetch(tokenUrl)).status).toBe(405);
  });

  it('gRPC: no token UNAUTHENTICATED, unknown method UNIMPLEMENTED', async () => {
    emulator = await startMixi2Emulator();
    const client = new Client(emulator.apiAddress, emulator.credentials);
    const call = (path: string, metadata: Metadata) =>
      new Promise<number>((resolve) => {
        client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0), metadata, {}, (error) => resolve(error?.code ?? status.OK));
      });
    expect(await call('/social.mixi.application.service.application_api.v1.ApplicationService/GetUsers', new Metadata())).toBe(status.UNAUTHENTICATED);
    expect(await call('/social.mixi.application.service.application_api.v1.ApplicationService/Nope', new Metadata())).toBe(status.UNIMPLEMENTED);
    client.close();
  });
});
