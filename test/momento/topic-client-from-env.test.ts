import { NoopMomentoLoggerFactory, TopicPublishResponse } from '@gomomento/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/core/errors.js';
import { topicClientFromEnv } from '../../src/momento/index.js';
import { MomentoTestBed } from './harness.js';

const quiet = { loggerFactory: new NoopMomentoLoggerFactory() };

describe('topicClientFromEnv', () => {
  const bed = new MomentoTestBed();
  afterEach(() => bed.cleanup());

  it('needs MOMENTO_API_KEY (or a local endpoint) and says so', () => {
    expect(() => topicClientFromEnv({ env: {}, ...quiet })).toThrow(InvalidArgumentError);
    expect(() => topicClientFromEnv({ env: {}, ...quiet })).toThrow(/MOMENTO_API_KEY/);
  });

  it('rejects an unusable key without quoting it', () => {
    const key = 'not-a-real-key-s3cr3t';
    let error: unknown;
    try {
      topicClientFromEnv({ env: { MOMENTO_API_KEY: key }, ...quiet });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(String((error as Error).message)).not.toContain(key);
    expect((error as Error).cause).toBeUndefined();
  });

  it('accepts a v1 key that carries its endpoint', () => {
    const key = Buffer.from(JSON.stringify({ api_key: 'k', endpoint: 'cell.example.com' })).toString('base64');
    expect(topicClientFromEnv({ env: { MOMENTO_API_KEY: key }, ...quiet })).toBeDefined();
  });

  it('points at a local server with MOMENTO_LOCAL_ENDPOINT, and validates it', async () => {
    const emulator = await bed.emulator();
    const client = topicClientFromEnv({ env: { MOMENTO_LOCAL_ENDPOINT: emulator.endpoint }, ...quiet });
    expect((await client.publish('cache', 'topic', 'hello')).type).toBe(TopicPublishResponse.Success);
    expect(emulator.topic('cache', 'topic').lastSequenceNumber).toBe(1);
    expect(() => topicClientFromEnv({ env: { MOMENTO_LOCAL_ENDPOINT: 'nope' }, ...quiet })).toThrow(InvalidArgumentError);
  });
});
