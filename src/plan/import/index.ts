import type {PlanSource, SourceFormat} from '../source.js';
import {importCsv} from './csv.js';
import {importMarkdown, type MarkdownOptions} from './markdown.js';
import {importTaskMaster, type TaskMasterOptions} from './task-master.js';
import {importWfCommons} from './wfcommons.js';

export {CSV_COLUMNS, importCsv, toCsv} from './csv.js';
export {importMarkdown, splitInstructionSections, type MarkdownOptions} from './markdown.js';
export {importTaskMaster, type TaskMasterOptions} from './task-master.js';
export {importWfCommons} from './wfcommons.js';
export {isTaskMaster, isWfCommons, mayBeForeignJson, sniffJsonFormat} from './sniff.js';
export {cleanTitle, parseDone, parseEstimateText, parseLevel, parsePriority, repairMojibake} from './vocabulary.js';

/** One file handed to an importer: its name as the user would see it, and its text. */
export interface ImportInput {
  readonly file: string;
  readonly text: string;
}

/** Formats read by an importer (not paraplan's own YAML/JSON). */
export type ImportFormat = Exclude<SourceFormat, 'yaml' | 'json'>;

/** Options for `importPlan`; each applies to one format. */
export interface ImportOptions extends MarkdownOptions, TaskMasterOptions {}

/**
 * Turns documents into a written plan: deterministic, pure (the caller reads the files), never throws.
 * The result's `data` has paraplan's written shape; `locate` maps its paths back to the source lines;
 * `inferences` explain every fact that was inferred; `diagnostics` say what was not understood.
 * Several inputs are read as one Markdown plan (a main document and the files it links to).
 */
export function importPlan(format: ImportFormat, inputs: readonly ImportInput[], options: ImportOptions = {}): PlanSource {
  const first = inputs[0];
  if (!first) {
    return {
      file: '<none>',
      format,
      data: undefined,
      locate: () => undefined,
      diagnostics: [{severity: 'error', code: 'no-input', message: 'nothing to import: no file was given'}],
      inferences: [],
      texts: new Map(),
    };
  }
  try {
    switch (format) {
      case 'markdown':
        return importMarkdown(inputs, options);
      case 'csv':
        return importCsv(first);
      case 'task-master':
        return importTaskMaster(first, options);
      case 'wfcommons':
        return importWfCommons(first);
    }
  } catch (e) {
    // An importer bug must not hide the document: report it as a located error with what to do.
    return {
      file: first.file,
      format,
      data: undefined,
      locate: () => undefined,
      diagnostics: [
        {
          severity: 'error',
          code: 'import-failed',
          message: `Internal error while importing ${first.file} as ${format}: ${e instanceof Error ? e.message : String(e)}; this is a paraplan bug, please report it with the file`,
          location: {file: first.file, line: 1, column: 1},
        },
      ],
      inferences: [],
      texts: new Map(inputs.map((i) => [i.file, i.text])),
    };
  }
}

