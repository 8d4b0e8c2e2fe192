/** Every task succeeded (or `check` found no error). */
export const EXIT_OK = 0;
/** Some task failed, or the run was cancelled. */
export const EXIT_FAILED = 1;
/** The plan, a flag or the environment is wrong: the user must change something. */
export const EXIT_USAGE = 2;
