import { describe, expect, it } from 'vitest';
import { credentialsFor, isLoopbackTarget } from '../../src/mixi2/index.js';

describe('transport credentials', () => {
  it('loopback gRPC targets are the plaintext ones', () => {
    expect(['127.0.0.1:1', 'localhost:2', '[::1]:3', 'dns:127.0.0.2:4', 'dns:///localhost:5'].every(isLoopbackTarget)).toBe(true);
    expect(['application-api.mixi.social:443', '10.0.0.1:1', 'localhost.example:1', '127.0.0.1.example:1'].some(isLoopbackTarget)).toBe(false);
  });

  it('chooses plaintext for an emulator on this machine and TLS for the real service', () => {
    expect(credentialsFor('127.0.0.1:50051')._isSecure()).toBe(false);
    expect(credentialsFor('application-api.mixi.social:443')._isSecure()).toBe(true);
  });
});
