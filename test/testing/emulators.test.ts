import { describe, expect, it } from 'vitest';
import { createConnection } from 'node:net';
import { emulatorEnvironment, startEmulators } from '../../src/testing/index.js';

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('startEmulators()', () => {
  it('starts all three emulators in one line and stops them in one', async () => {
    const emulators = await startEmulators();
    const env = emulatorEnvironment(emulators);
    expect(env.MISSKEY_ORIGIN).toBe(emulators.misskey.origin);
    expect(env.MOMENTO_LOCAL_ENDPOINT).toBe(emulators.momento.endpoint);
    const ports = [emulators.misskey.port, emulators.momento.port, Number(emulators.mixi2.streamAddress.split(':').pop())];
    for (const port of ports) expect(await accepts(port)).toBe(true);
    await emulators.close();
    for (const port of ports) expect(await accepts(port)).toBe(false);
  });
});
