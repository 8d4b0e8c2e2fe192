import {readFileSync} from 'node:fs';
import {describe, expect, it} from 'vitest';
import {importPlan, sniffJsonFormat, toCsv} from '../../src/plan/import/index.js';
import {normalizePlan} from '../../src/plan/normalize.js';
import type {WrittenPlan} from '../../src/plan/schema.js';
import {FIXTURES, errors, importFile, needIds, task, type WrittenPlanOut} from './helpers.js';

const BENCH = new URL('../../../shared/benchmarks/wfcommons/', import.meta.url);

describe('Task Master tasks.json', () => {
  const {source, data} = importFile(FIXTURES, 'tasks-master.json', 'task-master');

  it('turns subtasks into tasks with parent-local ids, which the parent needs', () => {
    expect(data.tasks.map((t) => t.id)).toEqual(['1', '2', '2.1', '2.2', '2.3', '3']);
    expect(needIds(task(data, '2'))).toEqual(['1', '2.1', '2.2', '2.3']);
    expect(needIds(task(data, '2.2'))).toEqual(['2.1']);
    expect(needIds(task(data, '2.3'))).toEqual(['2.2']);
    expect(needIds(task(data, '3'))).toEqual(['2']);
  });

  it('maps details, testStrategy, priority and status (done only for "done")', () => {
    expect(task(data, '1')).toMatchObject({instructions: 'Use pnpm workspaces.', testStrategy: 'CI runs on an empty commit', priority: 'high', done: true});
    expect(data.tasks.map((t) => t.done)).toEqual([true, false, true, false, false, false]);
    expect(task(data, '2.3').extra?.['status']).toBe('review');
    expect(task(data, '3').extra?.['complexity']).toBe(7);
  });

  it('locates tasks at their JSON lines and validates', () => {
    expect(source.locate(['tasks', 3])?.line).toBe(23);
    expect(normalizePlan(source).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('imports every tag of a tagged file, prefixing ids with the tag', () => {
    const {data: tagged} = importFile(FIXTURES, 'tasks-tagged.json', 'task-master');
    expect(tagged.tasks.map((t) => [t.id, t.group, needIds(t)])).toEqual([
      ['master/1', 'master', []],
      ['master/2', 'master', ['master/1']],
      ['feature-x/1', 'feature-x', []],
      ['feature-x/2', 'feature-x', ['feature-x/1']],
    ]);
  });

  it('imports one tag when asked, without prefixes', () => {
    const {file} = importFile(FIXTURES, 'tasks-tagged.json', 'task-master');
    const text = readFileSync(file, 'utf8');
    const one = importPlan('task-master', [{file, text}], {tag: 'feature-x'}).data as WrittenPlanOut;
    expect(one.tasks.map((t) => t.id)).toEqual(['1', '2']);
  });

  it('is recognised by sniffJsonFormat in both layouts', () => {
    expect(sniffJsonFormat({tasks: [{id: 1, title: 'x', status: 'pending'}]})).toBe('task-master');
    expect(sniffJsonFormat({master: {tasks: [{id: 1, title: 'x', dependencies: []}]}})).toBe('task-master');
    expect(sniffJsonFormat({name: 'p', tasks: [{id: 'a', run: 'echo'}]})).toBe('json');
    expect(sniffJsonFormat({workflow: {specification: {tasks: []}}})).toBe('wfcommons');
  });
});

describe('CSV', () => {
  it('matches columns by name in any case and language, keeps unknown ones in extra', () => {
    const {source, data} = importFile(FIXTURES, 'backlog.csv', 'csv');
    expect(data.tasks.map((t) => t.id)).toEqual(['WEB-1', 'WEB-2', 'WEB-3', 'WEB-4']);
    expect(task(data, 'WEB-1')).toMatchObject({title: 'Landing page', owner: 'ana', priority: 'high', done: true, group: 'sprint-1', extra: {storyPoints: 3, Component: 'web'}});
    expect(needIds(task(data, 'WEB-3'))).toEqual(['WEB-1', 'WEB-2']);
    expect(task(data, 'WEB-4').priority).toBe('critical');
    expect(task(data, 'WEB-3').needs![0]!.source).toMatch(/backlog\.csv:4$/);
    const unknown = normalizePlan(source).diagnostics.find((d) => d.code === 'unknown-dependency');
    expect(unknown?.location?.line).toBe(5);
  });

  it('round-trips paraplan plan --format csv', () => {
    const plan: WrittenPlan = {
      name: 'rt',
      tasks: [
        {id: 'db', title: 'Migrate, then "seed" the DB', group: 'wave-1', priority: 'high', impact: 'high', risk: 'low', estimate: '2h', owner: 'ana', size: 120, files: ['db/**', 'migrations/*.sql'], tags: ['backend'], description: 'line one\nline two'},
        {id: 'api', title: 'API', group: 'wave-2', priority: 'medium', estimate: '1-2d', needs: ['db'], executor: 'claude', done: true},
        {id: 'ui', title: 'UI', needs: ['db', 'api'], estimate: 30, priority: 'low'},
      ],
    };
    const source = importPlan('csv', [{file: 'plan.csv', text: toCsv(plan)}]);
    expect(errors(source)).toEqual([]);
    const back = source.data as {tasks: Record<string, unknown>[]};
    const strip = (t: Record<string, unknown>): Record<string, unknown> => {
      const {needs, ...rest} = t;
      return {...rest, ...(Array.isArray(needs) && needs.length > 0 ? {needs: needs.map((n) => (typeof n === 'string' ? n : (n as {id: string}).id))} : {})};
    };
    expect(back.tasks.map(strip)).toEqual(plan.tasks.map((t) => strip(t as Record<string, unknown>)));
  });
});

describe('WfCommons', () => {
  it('imports a WfFormat 1.5 instance with runtimes as estimates', () => {
    const {source, data} = importFile(BENCH, 'montage-chameleon-dss-05d-001.json', 'wfcommons');
    expect(data.tasks).toHaveLength(58);
    expect(data.tasks[0]!.estimate).toBe('534.058s');
    const withParents = data.tasks.filter((t) => (t.needs ?? []).length > 0);
    expect(withParents.length).toBeGreaterThan(40);
    const {plan, diagnostics} = normalizePlan(source);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan?.tasks.size).toBe(58);
  });

  it('imports the older layout with jobs, parents and runtime', () => {
    const {data} = importFile(FIXTURES, 'wf-old.json', 'wfcommons');
    expect(data.tasks.map((t) => [t.id, t.estimate, needIds(t)])).toEqual([
      ['split', '10.5s', []],
      ['blast_1', '40s', ['split']],
      ['blast_2', '42.25s', ['split']],
      ['merge', '5s', ['blast_1', 'blast_2']],
    ]);
  });
});
