import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {importPlan, type ImportFormat} from '../../src/plan/import/index.js';
import type {PlanSource} from '../../src/plan/source.js';

/** The seed documents shared by the team (outside the repository). */
export const SEEDS = new URL('../../../shared/examples/seed-documents/', import.meta.url);
/** This suite's own fixture documents. */
export const FIXTURES = new URL('../fixtures/import/', import.meta.url);

export interface WrittenNeedOut {
  id: string;
  kind: string;
  source: string;
}
export interface WrittenTaskOut {
  id: string;
  title: string;
  group?: string;
  priority?: string;
  impact?: string;
  risk?: string;
  estimate?: string | number;
  needs?: WrittenNeedOut[];
  owner?: string;
  description?: string;
  instructions?: string;
  criteria?: string[];
  returns?: string;
  deliverables?: string[];
  testStrategy?: string;
  files?: string[];
  tags?: string[];
  done?: boolean;
  gate?: boolean;
  extra?: Record<string, unknown>;
}
export interface WrittenGroupOut {
  id: string;
  title: string;
  mode: string;
  needs: string[];
  tasks?: number;
}
export interface WrittenPlanOut {
  name?: string;
  groups?: WrittenGroupOut[];
  tasks: WrittenTaskOut[];
}

/** Imports one file by path (relative to `base`). */
export function importFile(base: URL, name: string, format: ImportFormat = 'markdown'): {source: PlanSource; data: WrittenPlanOut; file: string} {
  const file = fileURLToPath(new URL(name, base));
  const source = importPlan(format, [{file, text: readFileSync(file, 'utf8')}]);
  return {source, data: source.data as WrittenPlanOut, file};
}

export function task(data: WrittenPlanOut, id: string): WrittenTaskOut {
  const t = data.tasks.find((x) => x.id === id);
  if (!t) throw new Error(`no task ${id}; tasks: ${data.tasks.map((x) => x.id).join(', ')}`);
  return t;
}

export function needIds(t: WrittenTaskOut): string[] {
  return (t.needs ?? []).map((n) => n.id);
}

export function warnings(source: PlanSource): string[] {
  return source.diagnostics.filter((d) => d.severity === 'warning').map((d) => `${d.location?.line}: ${d.message}`);
}

export function errors(source: PlanSource): string[] {
  return source.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.location?.line}: ${d.message}`);
}
