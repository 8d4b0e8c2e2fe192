import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {importPlan} from '../../src/plan/import/index.js';
import {normalizePlan} from '../../src/plan/normalize.js';
import {FIXTURES, errors, importFile, needIds, task, warnings, type WrittenPlanOut} from './helpers.js';

const kinds = (t: {needs?: {id: string; kind: string}[]}): string[] => (t.needs ?? []).map((n) => `${n.id}/${n.kind}`);

describe('spec-kit tasks.md', () => {
  const {source, data} = importFile(FIXTURES, 'speckit-tasks.md');

  it('reads phases, ids, [P] marks, story labels, file paths and checkboxes', () => {
    expect(data.tasks.map((t) => t.id)).toEqual(['T001', 'T002', 'T003', 'T004', 'T005', 'T006', 'T007', 'T008', 'T009', 'T010', 'T011', 'T012']);
    expect(data.groups!.map((g) => g.id)).toEqual(['phase-1', 'phase-2', 'phase-3', 'phase-4']);
    const t4 = task(data, 'T004');
    expect(t4.tags).toEqual(['parallel', 'US1']);
    expect(t4.files).toEqual(['tests/contract/test_albums_post.py']);
    expect(task(data, 'T001').done).toBe(true);
    expect(task(data, 'T002').done).toBe(false);
  });

  it('orders unmarked tasks after the tasks before them, and reads the Dependencies section', () => {
    expect(kinds(task(data, 'T009'))).toEqual(expect.arrayContaining(['T007/sequential-order', 'T008/sequential-order']));
    expect(needIds(task(data, 'T007'))).toEqual(['T004', 'T005', 'T006']);
    expect(kinds(task(data, 'T011'))).toContain('T010/prose');
    expect(needIds(task(data, 'T004'))).toEqual(['T001', 'T002', 'T003']);
  });

  it('reads "MUST COMPLETE BEFORE PHASE 3" as a barrier', () => {
    expect(data.groups!.find((g) => g.id === 'phase-3')!.needs).toEqual(['phase-2']);
  });

  it('ignores the heading inside the fenced example', () => {
    expect(data.tasks.some((t) => t.id === '99')).toBe(false);
    expect(errors(source)).toEqual([]);
  });
});

describe('roadmap with milestones', () => {
  const {source, data} = importFile(FIXTURES, 'roadmap-milestones.md');
  it('makes milestone groups with barriers and checklist tasks', () => {
    expect(data.groups!.map((g) => [g.id, g.needs])).toEqual([['milestone-1', []], ['milestone-2', ['milestone-1']], ['milestone-3', ['milestone-2']]]);
    expect(data.tasks).toHaveLength(7);
    expect(data.tasks[0]).toMatchObject({id: 'set-up-the-billing-database', estimate: '2d', done: true, owner: 'Platform team'});
    expect(kinds(task(data, 'email-invoices-to-customers'))).toEqual(['generate-invoices-nightly/explicit']);
    expect(task(data, 'stripe-integration').estimate).toBe('1 week');
  });
  it('does not take the risks checklist as tasks, and agrees with the declared totals', () => {
    expect(data.tasks.some((t) => /Stripe account/.test(t.title))).toBe(false);
    expect(warnings(source)).toEqual([]);
  });
});

describe('table with a "Depends on" column and ranges', () => {
  const {source, data} = importFile(FIXTURES, 'table-ranges.md');
  it('expands FND-001～003, API-1..API-3 and API-2-API-4', () => {
    expect(needIds(task(data, 'FND-004'))).toEqual(['FND-001', 'FND-002', 'FND-003']);
    expect(needIds(task(data, 'API-4'))).toEqual(['API-1', 'API-2', 'API-3']);
    expect(needIds(task(data, 'API-5'))).toEqual(['API-2', 'API-3', 'API-4', 'FND-002']);
    expect(needIds(task(data, 'FND-001'))).toEqual([]);
  });
  it('reads P0-P3 and word priorities, estimates and story points', () => {
    expect(data.tasks.map((t) => t.priority)).toEqual(['critical', 'high', 'medium', 'high', 'high', 'medium', 'medium', 'low', 'low']);
    expect(task(data, 'FND-004').estimate).toBe('1-2 days');
    expect(task(data, 'API-4').extra?.['storyPoints']).toBe(3);
    expect(normalizePlan(source).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('Chinese and German plans', () => {
  it('reads 阶段, 任务, 依赖: 无, 优先级 and 预计时间', () => {
    const {source, data} = importFile(FIXTURES, 'plan-zh.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([['phase-1', 'sequential', []], ['phase-2', 'parallel', ['phase-1']]]);
    expect(data.tasks.map((t) => [t.id, t.title, t.priority, t.estimate])).toEqual([
      ['1.1', '准备数据库', 'high', '2 hours'],
      ['1.2', '配置网络', 'medium', '30 minutes'],
      ['2.1', '迁移用户服务', 'high', '1 day'],
      ['2.2', '迁移订单服务', 'low', '3 hours'],
    ]);
    expect(needIds(task(data, '1.2'))).toEqual(['1.1']);
    expect(task(data, '2.2').done).toBe(true);
    expect(warnings(source)).toEqual([]);
  });

  it('reads Aufgabe, Abhängigkeiten: keine, Priorität, Aufwand and Status: erledigt', () => {
    const {data} = importFile(FIXTURES, 'plan-de.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([['phase-1', 'unspecified', []], ['phase-2', 'parallel', ['phase-1']]]);
    expect(task(data, '1.1')).toMatchObject({priority: 'high', estimate: '3 hours', done: true});
    expect(task(data, '2.1')).toMatchObject({priority: 'critical', owner: 'Jana'});
    expect(task(data, '2.2').extra?.['Testfall']).toBe('Bericht X vergleicht alte und neue Summen');
  });
});

describe('epic and story backlog', () => {
  const {source, data} = importFile(FIXTURES, 'backlog-epics.md');
  it('reads epics, stories, story points, "Blocked by" and acceptance criteria', () => {
    expect(data.groups!.map((g) => g.id)).toEqual(['epic-accounts', 'epic-profiles']);
    expect(task(data, 'US-1')).toMatchObject({priority: 'high', criteria: ['A confirmation mail is sent', 'Duplicate emails are rejected'], extra: {storyPoints: 3}});
    expect(needIds(task(data, 'US-2'))).toEqual(['US-1']);
    expect(task(data, 'US-4').tags).toEqual(['ui', 'storage']);
  });
  it('keeps a dependency on an unknown story, so validation reports it at its line', () => {
    expect(needIds(task(data, 'US-4'))).toEqual(['US-3', 'US-9']);
    const bad = normalizePlan(source).diagnostics.find((d) => d.code === 'unknown-dependency');
    expect(bad?.location?.line).toBe(26);
  });
});

describe('Blocks fields', () => {
  it('turns "Blocks: A2, A3" into reverse edges of kind blocks', () => {
    const {data} = importFile(FIXTURES, 'blocks-fields.md');
    expect(kinds(task(data, 'A2'))).toEqual(['A1/blocks']);
    expect(kinds(task(data, 'A3'))).toEqual(['A1/blocks']);
    expect(kinds(task(data, 'A4'))).toEqual(['A2/explicit', 'A3/blocks']);
  });
});

describe('Mermaid graph', () => {
  it('reads edges between known tasks and warns about unknown nodes', () => {
    const {source, data} = importFile(FIXTURES, 'mermaid-graph.md');
    expect(data.tasks.map((t) => [t.id, needIds(t)])).toEqual([['extract', []], ['clean', ['extract']], ['enrich', ['clean']], ['load', ['enrich']], ['report', ['load']]]);
    expect(task(data, 'clean').needs![0]!.kind).toBe('diagram');
    expect(warnings(source)).toHaveLength(1);
    expect(source.diagnostics[0]!.location?.line).toBe(18);
  });
});

describe('task lists nested under phases', () => {
  it('makes a group per phase item and reads inline dependencies', () => {
    const {data} = importFile(FIXTURES, 'nested-phases.md');
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([['phase-1', 'unspecified'], ['phase-2', 'parallel'], ['phase-3', 'unspecified']]);
    expect(data.tasks.map((t) => [t.id, t.group, needIds(t)])).toEqual([
      ['T1', 'phase-1', []],
      ['T2', 'phase-1', ['T1']],
      ['T3', 'phase-2', ['T2']],
      ['T4', 'phase-2', []],
      ['T5', 'phase-3', ['T4']],
      ['T6', 'phase-3', ['T3', 'T5']],
    ]);
    expect(task(data, 'T1').done).toBe(true);
  });
});

describe('fenced code with fake headings', () => {
  const {source, data} = importFile(FIXTURES, 'fake-headings.md');
  it('takes no task from inside fenced code', () => {
    expect(data.tasks.map((t) => t.id)).toEqual(['1', '2', '3']);
    expect(task(data, '1').instructions).toContain('### Task 2: This heading is inside a code block');
  });
  it('keeps a self-reference for validation to report', () => {
    expect(needIds(task(data, '2'))).toEqual(['1', '2']);
    const self = normalizePlan(source).diagnostics.find((d) => d.code === 'self-dependency');
    expect(self?.location?.line).toBe(17);
  });
  it('reads dependencies from a fenced YAML block', () => {
    expect(kinds(task(data, '3'))).toEqual(['1/explicit']);
  });
});

describe('waves with prose barriers', () => {
  const {source, data} = importFile(FIXTURES, 'waves.md');
  it('reads "Starts after Wave 1 is complete" and "Needs: Wave 2"', () => {
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['wave-1', 'unspecified', []],
      ['wave-2', 'parallel', ['wave-1']],
      ['wave-3', 'sequential', ['wave-2']],
    ]);
    expect(data.tasks).toHaveLength(7);
  });
  it('warns that the document announces 6 tasks but has 7, at the line that says so', () => {
    const w = source.diagnostics.find((d) => d.code === 'declared-count');
    expect(w?.location?.line).toBe(3);
    expect(w?.message).toContain('6 tasks');
  });
  it('warns when a task of a later wave is needed across the barrier order', () => {
    expect(needIds(task(data, 'cut-over'))).toEqual(['query-parser']);
  });
});

describe('multi-file plan', () => {
  it('starts from README.md and takes tasks from the linked files, keeping their locations', () => {
    const dir = new URL('multi/', FIXTURES);
    const inputs = ['phase-2.md', 'README.md', 'phase-1.md'].map((n) => {
      const file = fileURLToPath(new URL(n, dir));
      return {file, text: readFileSync(file, 'utf8')};
    });
    const source = importPlan('markdown', inputs);
    const data = source.data as WrittenPlanOut;
    expect(data.name).toBe('Checkout revamp');
    expect(data.tasks.map((t) => t.id)).toEqual(['1.1', '1.2', '2.1', '2.2']);
    expect(data.groups!.map((g) => [g.id, g.needs])).toEqual([['phase-1', []], ['phase-2', ['phase-1']]]);
    expect(source.locate(['tasks', 2])?.file).toMatch(/phase-2\.md$/);
    expect(source.locate(['tasks', 3, 'needs', 1])).toMatchObject({line: 9});
    const unknown = normalizePlan(source).diagnostics.find((d) => d.code === 'unknown-dependency');
    expect(unknown?.location?.file).toMatch(/phase-2\.md$/);
  });
});
