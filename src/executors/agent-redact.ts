/** Environment variable names whose values are secrets: anything with KEY, TOKEN, SECRET, PASSWORD or CREDENTIAL. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/** Values shorter than this are not redacted: `1` or `true` would turn every log into asterisks. */
export const MIN_SECRET_LENGTH = 6;

/** The secret values of an environment, longest first (so a secret containing another is replaced whole). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  // Asked for every command: no pair arrays, and nothing more when there is no secret (the usual case).
  let values: Set<string> | undefined;
  for (const name of Object.keys(env)) {
    const value = env[name];
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) (values ??= new Set()).add(value);
  }
  return values ? [...values].sort((a, b) => b.length - a.length) : [];
}

/** A function replacing every secret value of `env` in a text by `***`. Build it once per attempt. */
export function redactor(env: Readonly<Record<string, string | undefined>>): (text: string) => string {
  const secrets = secretValues(env);
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
    return out;
  };
}

/**
 * Replaces the value of every environment variable named like *KEY*, *TOKEN*, *SECRET*, *PASSWORD* found in `text`
 * by `***`. Use it on everything written to logs, the store and reports.
 *
 * @example redactSecrets('auth sk-or-123456 failed', {OPENROUTER_API_KEY: 'sk-or-123456'}) // 'auth *** failed'
 */
export function redactSecrets(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return redactor(env)(text);
}
