/** Where something is in a source file. Lines and columns start at 1. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Length of the offending text on that line, for underlining; 0 when unknown. */
  readonly length?: number;
}

/** A problem with user input (a plan file, a flag). Errors fail the command with exit code 2; warnings do not. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning' | 'info';
  /** A stable kebab-case code, e.g. `unknown-dependency`, so tools can filter. */
  readonly code: string;
  /** What is wrong and what to do, in one sentence or two. */
  readonly message: string;
  readonly location?: Location;
  /** Other places that explain the problem (the first definition of a duplicate id, each step of a cycle). */
  readonly related?: readonly {readonly message: string; readonly location?: Location}[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
