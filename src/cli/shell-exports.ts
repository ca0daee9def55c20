/**
 * Quotes a value for a POSIX shell (single quotes; embedded single quotes escaped).
 *
 * @example
 * ```ts
 * shellQuote("it's"); // "'it'\\''s'"
 * ```
 */
export function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Renders variables as `export NAME=value` lines, ready to paste or `eval` in a POSIX shell.
 *
 * @example
 * ```ts
 * exportLines({ MISSKEY_ORIGIN: 'http://127.0.0.1:3000' }); // 'export MISSKEY_ORIGIN=http://127.0.0.1:3000\n'
 * ```
 */
export function exportLines(variables: Readonly<Record<string, string>>): string {
  return Object.entries(variables)
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join('');
}
