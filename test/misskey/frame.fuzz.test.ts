import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { isMalformed, parseFrame } from '../../src/misskey/index.js';
import { Rig, until } from './helpers.js';

const rig = new Rig();
afterEach(() => rig.dispose());

const frameLike = fc.oneof(
  fc.string(),
  fc.json(),
  fc.record({ type: fc.oneof(fc.constantFrom('channel', 'noteUpdated', 'connected', 'emojiAdded', 'api-res:1', 'note-updated'), fc.string()), body: fc.jsonValue() }).map((f) => JSON.stringify(f)),
  fc.record({ type: fc.constant('channel'), body: fc.record({ id: fc.oneof(fc.string(), fc.integer()), type: fc.oneof(fc.string(), fc.constant(null)), body: fc.jsonValue() }, { requiredKeys: [] }) }).map((f) => JSON.stringify(f)),
);

describe('parseFrame (property)', () => {
  it('never throws, and returns either a malformed marker or an object with a string type', () => {
    fc.assert(
      fc.property(frameLike, (text) => {
        const frame = parseFrame(text);
        if (isMalformed(frame)) expect(['not-json', 'not-an-object', 'no-type']).toContain(frame.malformed);
        else expect(typeof frame.type).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the JSON objects with a string type', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const valid = typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
        expect(isMalformed(parseFrame(JSON.stringify(value)))).toBe(!valid);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a live client working whatever random frames the server sends', async () => {
    const emulator = await rig.emulator();
    const client = rig.client(emulator);
    const note = emulator.createNote('admin', { text: 'followed' });
    const local = rig.record(client.channel('localTimeline'));
    const updates = rig.record(client.noteUpdates(note.id));
    const broadcasts = rig.record(client.broadcasts());
    await until(() => emulator.stats().channels === 1 && emulator.stats().noteSubscriptions === 1, 'subscribed');
    const junk = fc.sample(frameLike, { numRuns: 500, seed: 42 });
    for (const text of junk) emulator.sendRaw(text);
    const posted = emulator.createNote('alice', { text: 'after the junk' });
    emulator.react(note.id, 'alice', '👍');
    await until(() => local.values.some((m) => m.body?.id === posted.id), 'note after junk');
    await until(() => updates.values.some((u) => u.type === 'reacted' && u.id === note.id), 'update after junk');
    expect(local.error).toBeUndefined();
    expect(updates.error).toBeUndefined();
    expect(broadcasts.error).toBeUndefined();
    expect(emulator.stats().upgrades).toBe(1);
    const { malformedFrames, unknownFrames } = client.stats();
    expect(malformedFrames + unknownFrames).toBeGreaterThan(300);
  });
});
