import type {Location} from '../../model/index.js';
import {jsonLocator, jsonSyntaxError} from '../json-locator.js';
import type {DataPath} from '../source.js';
import type {PlanDraft} from './draft.js';
import type {ImportInput} from './index.js';

/**
 * Parses a JSON importer's input. A syntax error becomes the draft's located error (undefined is returned:
 * finish the draft); otherwise the data and a way from a data path back to its line.
 */
export function parseJsonInput(draft: PlanDraft, input: ImportInput): {data: unknown; at: (path: DataPath) => Location} | undefined {
  let data: unknown;
  try {
    data = JSON.parse(input.text);
  } catch (e) {
    const d = jsonSyntaxError(input.file, input.text, e as Error);
    draft.error(d.code, d.message, d.location);
    return undefined;
  }
  const locate = jsonLocator(input.file, input.text);
  return {data, at: (path) => locate(path) ?? {file: input.file, line: 1, column: 1}};
}
