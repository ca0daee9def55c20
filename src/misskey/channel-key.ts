/** Params as JSON with every object's keys sorted, so equal params give equal text whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalJson(item))).join(',')}]`;
  if (typeof value !== 'object' || value === null || typeof (value as { toJSON?: unknown }).toJSON === 'function') return JSON.stringify(value) ?? 'null';
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The key under which subscriptions of channel `name` with `params` share one server connection: the name,
 * then the params as canonical JSON (keys sorted, `undefined` members left out, as `connect` would send
 * them). No params, `null` and `{}` give the same key.
 * @example
 * ```ts
 * channelKey('hashtag', { q: [['a']], x: 1 }) === channelKey('hashtag', { x: 1, q: [['a']] }); // true
 * channelKey('localTimeline') === channelKey('localTimeline', {}); // true
 * ```
 */
export function channelKey(name: string, params?: unknown): string {
  const json = params === undefined || params === null ? '{}' : canonicalJson(params);
  return json === '{}' ? name : `${name} ${json}`;
}
