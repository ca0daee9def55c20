import type { ConnectionState } from '../core/connection-state.js';
import type { Telemetry, TelemetrySource } from './telemetry.js';

/**
 * A state listener of one connection that tells `telemetry` each change (from `'closed'` on); `undefined`
 * without telemetry.
 */
export function connectionReporter(telemetry: Telemetry | undefined, source: TelemetrySource): ((state: ConnectionState) => void) | undefined {
  if (telemetry === undefined) return undefined;
  let current: ConnectionState = 'closed';
  return (next) => {
    if (next === current) return;
    const previous = current;
    current = next;
    telemetry.connectionChanged(source, previous, next);
  };
}
