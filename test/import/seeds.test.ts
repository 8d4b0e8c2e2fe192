import {describe, expect, it} from 'vitest';
import {normalizePlan} from '../../src/plan/normalize.js';
import {criticalPath} from '../../src/schedule/critical-path.js';
import {graphFromPlan} from '../../src/schedule/task-graph.js';
import {taskDurationMs} from '../../src/model/index.js';
import {SEEDS, errors, importFile, needIds, task, warnings} from './helpers.js';

describe('seed 000: parallel execution plan in batches', () => {
  const {source, data} = importFile(SEEDS, '000_04b18a9f72843c6f.txt');

  it('finds 14 tasks in 6 groups, with ids as written', () => {
    expect(data.tasks.map((t) => t.id)).toEqual(['0.1', '1.1', '1.2', '1.3', '1.4', '2.1', '2.2', '2.3', '3.1', '3.2', '3.3', '4.1', '4.2', '5.1']);
    expect(data.groups!.map((g) => g.id)).toEqual(['batch-0', 'batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5']);
    expect(task(data, '1.2').title).toBe('Migrate Webhook Service');
    expect(errors(source)).toEqual([]);
    expect(warnings(source)).toEqual([]);
  });

  it('reads priorities through emoji mojibake and estimates in minutes', () => {
    expect(data.tasks.map((t) => t.priority)).toEqual(['critical', 'high', 'high', 'high', 'medium', 'high', 'high', 'medium', 'medium', 'medium', 'medium', 'medium', 'high', 'critical']);
    expect(data.tasks.map((t) => parseInt(String(t.estimate), 10))).toEqual([15, 30, 20, 20, 15, 20, 15, 30, 20, 25, 20, 30, 25, 20]);
    expect(data.tasks.every((t) => /minutes$/.test(String(t.estimate)))).toBe(true);
  });

  it('makes each batch wait for the one before, and records the modes', () => {
    const groups = data.groups!;
    expect(groups.map((g) => g.needs)).toEqual([[], ['batch-0'], ['batch-1'], ['batch-2'], ['batch-3'], ['batch-4']]);
    expect(groups.map((g) => g.mode)).toEqual(['sequential', 'parallel', 'parallel', 'parallel', 'parallel', 'sequential']);
    expect(groups.map((g) => g.tasks)).toEqual([undefined, 4, 3, 3, 2, undefined]);
  });

  it('splits instruction blocks into instructions, success criteria and RETURN', () => {
    const t = task(data, '0.1');
    expect(t.instructions).toMatch(/^Fix database connection string/);
    expect(t.instructions).not.toMatch(/SUCCESS CRITERIA/);
    expect(t.criteria).toEqual(['All database connections use "psra_production"', 'ETL runs successfully', 'No "database does not exist" errors']);
    expect(t.returns).toBe('Summary of files changed + test results');
    expect(t.extra?.['agent']).toBe('general-purpose');
  });

  it('explains every barrier edge with its source line', () => {
    const inf = source.inferences.find((i) => i.message.startsWith('task 1.2 needs 0.1 (group-barrier'));
    expect(inf?.location?.line).toBe(87);
    expect(inf?.message).toContain('Dependencies: Batch 0 complete');
    for (const b of ['2.1', '2.2', '2.3']) for (const a of ['1.1', '1.2', '1.3', '1.4']) {
      expect(source.inferences.some((i) => i.message.startsWith(`task ${b} needs ${a} (group-barrier`) && i.location?.line !== undefined)).toBe(true);
    }
  });

  it('maps data paths back to the Markdown', () => {
    expect(source.locate(['tasks', 2])?.line).toBe(128);
    expect(source.locate(['tasks', 2, 'id'])?.line).toBe(128);
    expect(source.locate(['tasks', 2, 'priority'])?.line).toBe(130);
    expect(source.locate(['groups', 1, 'needs', 0])?.line).toBe(87);
  });

  it('normalizes and schedules to 305 min of work and a 150 min critical path', () => {
    const {plan, diagnostics} = normalizePlan(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan).toBeDefined();
    const total = [...plan!.tasks.values()].reduce((s, t) => s + taskDurationMs(plan!, t), 0);
    expect(total / 60_000).toBe(305);
    const cp = criticalPath(graphFromPlan(plan!, {barriers: true}));
    expect(cp.length / 60_000).toBe(150);
    expect(plan!.tasks.get('1.2' as never)!.needs.map((d) => [d.task, d.kind])).toEqual([['0.1', 'group-barrier']]);
  });
});

describe('seed 001: Dutch table of subtasks', () => {
  const {source, data} = importFile(SEEDS, '001_8a160619a17e211e.txt');

  it('imports the 27 table rows with impact, risk and test strategy', () => {
    expect(data.tasks).toHaveLength(27);
    expect(data.tasks[0]!.id).toBe('Y1-A.1');
    expect(data.tasks[26]!.id).toBe('Y1-A.27');
    const t = task(data, 'Y1-A.4');
    expect(t.title).toBe('pre-commit hook');
    expect([t.impact, t.risk]).toEqual(['medium', 'low']);
    expect(t.testStrategy).toBe('pre-commit run --all-files');
    expect(needIds(t)).toEqual(['Y1-A.2', 'Y1-A.3']);
    expect(t.needs![0]!.kind).toBe('explicit');
    expect(t.needs![0]!.source).toMatch(/001_8a160619a17e211e\.txt:22$/);
    expect(needIds(task(data, 'Y1-A.1'))).toEqual([]);
  });

  it('reports the elided row instead of inventing a task', () => {
    const elided = source.diagnostics.find((d) => d.code === 'elided-row');
    expect(elided?.severity).toBe('warning');
    expect(elided?.location?.line).toBe(46);
    expect(data.tasks.some((t) => t.title.includes('...'))).toBe(false);
  });

  it('marks the tasks of finished batches (✅, "afgerond") done, and only those', () => {
    const done = data.tasks.filter((t) => t.done).map((t) => t.id);
    expect(done).toEqual(['Y1-A.1', 'Y1-A.2', 'Y1-A.3', 'Y1-A.4', 'Y1-A.5', 'Y1-A.6', 'Y1-A.7', 'Y1-A.8', 'Y1-A.9', 'Y1-A.10', 'Y1-A.11', 'Y1-A.12', 'Y1-A.13', 'Y1-A.14']);
  });

  it('validates without errors', () => {
    const {plan, diagnostics} = normalizePlan(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan?.tasks.size).toBe(27);
  });

  it('explains every explicit edge with its line', () => {
    const edges = data.tasks.flatMap((t) => (t.needs ?? []).map((n) => `task ${t.id} needs ${n.id}`));
    expect(edges.length).toBeGreaterThan(15);
    for (const e of edges) expect(source.inferences.some((i) => i.message.startsWith(e) && i.location!.line > 18)).toBe(true);
  });
});

describe('seed 003: five parallel work sessions', () => {
  const {source, data} = importFile(SEEDS, '003_e11ed7e5f80c24bf.txt');

  it('imports five independent sessions of four tasks each', () => {
    const groups = data.groups!;
    expect(groups.map((g) => g.id)).toEqual(['session-1', 'session-2', 'session-3', 'session-4', 'session-5']);
    expect(groups.every((g) => g.needs.length === 0)).toBe(true);
    for (const g of groups) expect(data.tasks.filter((t) => t.group === g.id)).toHaveLength(4);
    expect(errors(source)).toEqual([]);
  });

  it('reads titles, day hints and owners', () => {
    const t = data.tasks[0]!;
    expect(t.title).toBe('Fix TypeScript Errors');
    expect(t.extra?.['schedule']).toBe('Day 1-2');
    expect(t.estimate).toBe('2d');
    expect(t.owner).toBe('Senior Frontend Developer');
    expect(t.instructions).toContain('Fix 592 TypeScript errors systematically');
  });

  it('keeps each session\'s deliverables on a gate that waits for that session only', () => {
    const gates = data.tasks.filter((t) => t.gate);
    expect(gates).toHaveLength(5);
    expect(gates[0]!.deliverables).toEqual(['Frontend builds with 0 errors', 'All components render correctly', 'Services properly typed', 'Basic smoke tests pass']);
    expect(gates.map((g) => needIds(g))).toEqual([['session-1'], ['session-2'], ['session-3'], ['session-4'], ['session-5']]);
  });

  it('checks the declared number of work streams', () => {
    expect(source.inferences.some((i) => i.message.includes('5 independent, parallel work streams'))).toBe(true);
    expect(warnings(source).filter((w) => w.includes('declared'))).toEqual([]);
  });

  it('normalizes with every session free to start at once', () => {
    const {plan, diagnostics} = normalizePlan(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const starters = [...plan!.tasks.values()].filter((t) => t.needs.length === 0);
    expect(starters).toHaveLength(20);
  });
});
