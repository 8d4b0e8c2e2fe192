import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, join, resolve} from 'node:path';
import type {ExecutionRequest} from '../../src/executors/executor.js';
import {taskId, type Plan} from '../../src/model/index.js';
import {normalizePlan, parsePlanText} from '../../src/plan/index.js';

/** The folder of fake agent CLIs (claude, codex, gemini, aider, opencode, cursor-agent, text-agent). */
export const FAKE_BIN = resolve(import.meta.dirname, '../fixtures/agents/bin');

/** PATH with the fakes first. */
export const FAKE_PATH = `${FAKE_BIN}${delimiter}${process.env['PATH'] ?? ''}`;

export function tempDir(prefix = 'paraplan-agent-'): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})};
}

export function plan(dir: string, yaml: string): Plan {
  const result = normalizePlan(parsePlanText(join(dir, 'plan.yaml'), yaml, 'yaml'));
  if (!result.plan) throw new Error(`invalid test plan:\n${result.diagnostics.map((d) => d.message).join('\n')}`);
  return result.plan;
}

/** An execution request for one task of a plan, running in `cwd`, logging to `<cwd>/../<task>.log`. */
export function request(p: Plan, id: string, cwd: string, extra: Partial<ExecutionRequest> = {}): ExecutionRequest {
  const task = p.tasks.get(taskId(id));
  if (!task) throw new Error(`no task ${id}`);
  const profile = p.executors.get(task.executor)!;
  return {
    plan: p,
    task,
    profile,
    attempt: 1,
    cwd,
    env: {PATH: FAKE_PATH, HOME: process.env['HOME'], ...extra.env},
    logPath: join(cwd, '..', `${cwd.split('/').pop()}-${id}.log`),
    signal: new AbortController().signal,
    upstream: [],
    ...extra,
  };
}
