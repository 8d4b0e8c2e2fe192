import type {Diagnostic, Location} from '../model/index.js';

/** A path into the written plan object: `['tasks', 3, 'needs', 1]`. */
export type DataPath = readonly (string | number)[];

/** The format a plan was read from. */
export type SourceFormat = 'yaml' | 'json' | 'markdown' | 'task-master' | 'csv' | 'wfcommons';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['yaml', 'json', 'markdown', 'task-master', 'csv', 'wfcommons'];

/** One inferred fact an importer explains (`import --explain`). */
export interface Inference {
  /** What was inferred, e.g. `task 1.2 needs 0.1 (group barrier: "Dependencies: Batch 0 complete")`. */
  readonly message: string;
  readonly location?: Location;
  /** The task it is about, when there is one. */
  readonly task?: string;
  readonly kind: 'task' | 'dependency' | 'group' | 'field' | 'status' | 'other';
}

/**
 * A plan as read from a file, before validation: the written data (paraplan's own shape, whatever the
 * source format) and a way back from any data path to where it was written.
 */
export interface PlanSource {
  /** The file as named by the user (what diagnostics print). */
  readonly file: string;
  readonly format: SourceFormat;
  /** The written plan: `WrittenPlan`-shaped but not validated yet. */
  readonly data: unknown;
  /** Where a data path was written; undefined when it was not (a default, an inferred value). */
  locate(path: DataPath): Location | undefined;
  /**
   * Where each task was written, as `locate(['tasks', index])` answers, from a locator that does not keep the
   * parsed document alive (a plan's tasks find their location through it for as long as the plan lives).
   */
  taskLocator?(): (index: number) => Location | undefined;
  /** Problems met while reading or importing (the rest are found by validation). */
  readonly diagnostics: readonly Diagnostic[];
  /** What importers inferred, with source lines. Empty for paraplan's own formats. */
  readonly inferences: readonly Inference[];
  /** Source texts by file name, to print the offending line under a diagnostic. */
  readonly texts: ReadonlyMap<string, string>;
}
