import { firstValueFrom, filter } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/index.js';
import { misskeyFromEnv } from '../../src/misskey/index.js';
import { mixi2ClientFromEnv } from '../../src/mixi2/index.js';
import { buildPostCreatedEvent, emulatorEnvironment, startEmulators, type Emulators } from '../../src/testing/index.js';

describe('clients from the environment', () => {
  let emulators: Emulators | undefined;
  afterEach(async () => {
    await emulators?.close();
    emulators = undefined;
  });

  it('refuse a missing variable with InvalidArgumentError naming it, never a value', () => {
    const secret = 's3cr3t-value';
    const mixi2 = () => mixi2ClientFromEnv({ env: { MIXI2_CLIENT_SECRET: secret } });
    expect(mixi2).toThrow(InvalidArgumentError);
    expect(mixi2).toThrow(/MIXI2_CLIENT_ID/);
    expect(() => mixi2()).not.toThrow(new RegExp(secret));
    expect(() => misskeyFromEnv({ env: { MISSKEY_TOKEN: secret } })).toThrow(/MISSKEY_ORIGIN/);
    expect(() => misskeyFromEnv({ env: { MISSKEY_ORIGIN: 'misskey.example' } })).toThrow(InvalidArgumentError);
  });

  it('refuse a mixi2 stream and API of different kinds (one client has one kind of channel credentials)', () => {
    const env = { MIXI2_CLIENT_ID: 'id', MIXI2_CLIENT_SECRET: 'secret', MIXI2_STREAM_ADDRESS: '127.0.0.1:50051' };
    expect(() => mixi2ClientFromEnv({ env })).toThrow(/both be loopback/);
  });

  it('reach the emulators that emulatorEnvironment describes (plaintext on loopback)', async () => {
    emulators = await startEmulators();
    const env = emulatorEnvironment(emulators);
    const mixi2 = mixi2ClientFromEnv({ env });
    const event = firstValueFrom(mixi2.events());
    await emulators.mixi2.waitForStreams(1);
    emulators.mixi2.push(buildPostCreatedEvent({ text: 'from env' }));
    expect((await event).body?.$case).toBe('postCreatedEvent');

    const client = misskeyFromEnv({ env, closeDelay: 0 });
    const note = firstValueFrom(client.channel('localTimeline').pipe(filter((m) => m.type === 'note')));
    await emulators.misskey.waitFor(() => emulators!.misskey.stats().channels === 1, 'the channel connected');
    const created = await firstValueFrom(client.api('notes/create', { text: 'from env' }));
    expect((await note).body.id).toBe(created.createdNote.id);
  });
});
