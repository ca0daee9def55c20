import { expect } from 'vitest';
import type { OtelHarness } from './otel-harness.js';

/** Asserts that no metric attribute, span name or span attribute contains any of `secrets`. */
export async function expectNoSecrets(otel: OtelHarness, secrets: readonly string[]): Promise<void> {
  const recorded = JSON.stringify([await otel.allAttributes(), otel.spans().map((span) => [span.name, span.attributes])]);
  for (const secret of secrets.filter((s) => s.length >= 7)) expect(recorded).not.toContain(secret);
}
