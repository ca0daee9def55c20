import { describe, expect, it } from 'vitest';
import { SequenceGuard } from '../../src/momento/sequence-guard.js';

describe('SequenceGuard', () => {
  it('drops replays inside one SDK subscription and lets later items through', () => {
    const guard = new SequenceGuard();
    guard.startSession();
    expect([5, 6, 6, 4, 7].map((n) => guard.item(n).action)).toEqual(['deliver', 'deliver', 'drop', 'drop', 'deliver']);
  });

  it('follows a service discontinuity, including a restart of the numbering', () => {
    const guard = new SequenceGuard();
    guard.startSession();
    guard.item(7);
    guard.discontinuity(0, 2);
    expect(guard.item(1).action).toBe('deliver');
    guard.discontinuity(10, 2);
    expect(guard.item(9).action).toBe('drop');
    expect(guard.item(11).action).toBe('deliver');
  });

  it('reports a jump after a fresh session as a gap with the known page', () => {
    const guard = new SequenceGuard();
    guard.startSession();
    guard.discontinuity(2, 4);
    guard.item(3);
    guard.startSession();
    expect(guard.item(6)).toEqual({
      action: 'deliver-after-gap',
      gap: { type: 'discontinuity', lastSequenceNumber: 3, newSequenceNumber: 5, newSequencePage: 4, origin: 'resubscribe' },
    });
    expect(guard.item(7).action).toBe('deliver');
  });

  it('treats a lower number after a fresh session as a restart with an unknown page', () => {
    const guard = new SequenceGuard();
    guard.startSession();
    guard.item(9);
    guard.startSession();
    expect(guard.item(2)).toMatchObject({ action: 'deliver-after-gap', gap: { lastSequenceNumber: 9, newSequenceNumber: 1, newSequencePage: undefined } });
    expect(guard.item(3).action).toBe('deliver');
  });

  it('sees no gap when a fresh session continues at the next number, or when nothing was seen before', () => {
    const guard = new SequenceGuard();
    guard.startSession();
    guard.startSession();
    expect(guard.item(40).action).toBe('deliver');
    guard.startSession();
    expect(guard.item(41).action).toBe('deliver');
  });
});
