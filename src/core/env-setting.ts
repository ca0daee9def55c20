/** Where a `…FromEnv` factory reads its variables: `process.env` or a record of your own. */
export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/**
 * A variable's value, trimmed; `undefined` when it is unset or blank.
 *
 * @example
 * ```ts
 * envSetting({ MISSKEY_ORIGIN: ' https://misskey.example ' }, 'MISSKEY_ORIGIN'); // 'https://misskey.example'
 * ```
 */
export function envSetting(env: EnvironmentVariables, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
