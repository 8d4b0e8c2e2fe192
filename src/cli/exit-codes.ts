/** `1 task`, `3 tasks`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Every task succeeded (or `check` found no error). */
export const EXIT_OK = 0;
/** Some task failed, or the run was cancelled. */
export const EXIT_FAILED = 1;
/** The plan, a flag or the environment is wrong: the user must change something. */
export const EXIT_USAGE = 2;

/**
 * A mistake the user must fix (a bad output path, a flag that makes no sense here): printed as `error: message`
 * with exit code 2, never as a paraplan bug.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
