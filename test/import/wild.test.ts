import {describe, expect, it} from 'vitest';
import {normalizePlan} from '../../src/plan/normalize.js';
import {importPlan} from '../../src/plan/import/index.js';
import {FIXTURES, errors, importFile, needIds, task, warnings, type WrittenPlanOut} from './helpers.js';

// Plans written the way people write them, in styles the other fixtures do not cover. Each test states what a
// careful reader would take from the document.
const WILD = new URL('wild/', FIXTURES);
const load = (name: string): ReturnType<typeof importFile> => importFile(WILD, name);
const kinds = (t: {needs?: {id: string; kind: string}[]}): string[] => (t.needs ?? []).map((n) => `${n.id}/${n.kind}`);
const graph = (data: WrittenPlanOut): [string, string[]][] => data.tasks.map((t) => [t.id, needIds(t)]);
/** Warnings other than "nothing to run" (the imported documents name no commands). */
const otherWarnings = (source: ReturnType<typeof importFile>['source']): string[] => warnings(source).filter((w) => !w.includes('nothing to run'));
const validationErrors = (source: ReturnType<typeof importFile>['source']): string[] =>
  normalizePlan(source).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`);

describe('GitHub issue "Implementation plan" with ## Step N and Prerequisites', () => {
  const {source, data} = load('gh-issue-steps.md');
  it('makes each step a task named step-N, and resolves "Prerequisites: Step 1"', () => {
    expect(data.tasks.map((t) => [t.id, t.title, t.estimate])).toEqual([
      ['step-1', 'Add a token-bucket limiter', '3h'],
      ['step-2', 'Store buckets in Redis', '1d'],
      ['step-3', 'Middleware for Express routes', '4h'],
      ['step-4', 'Configuration per API key', '0.5d'],
      ['step-5', 'Documentation and rollout', undefined],
    ]);
    expect(graph(data)).toEqual([['step-1', []], ['step-2', ['step-1']], ['step-3', ['step-1']], ['step-4', ['step-2', 'step-3']], ['step-5', ['step-4']]]);
    expect(task(data, 'step-5').instructions).toContain('- [ ] Update docs/api/limits.md');
    expect(warnings(source)).toEqual([]);
    expect(validationErrors(source)).toEqual([]);
  });
});

describe('agent orchestration plan with waves and "Depends: W1-2"', () => {
  const {source, data} = load('agent-waves.md');
  it('reads ids, agents, wave modes and "each wave starts when the previous wave is merged"', () => {
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['wave-1', 'parallel', []],
      ['wave-2', 'parallel', ['wave-1']],
      ['wave-3', 'sequential', ['wave-2']],
    ]);
    expect(task(data, 'W1-1')).toMatchObject({title: 'Extract tokenizer module', group: 'wave-1', extra: {agent: 'Agent A'}});
    expect(needIds(task(data, 'W3-2'))).toEqual(['W3-1', 'W1-3']);
    expect(needIds(task(data, 'W1-2'))).toEqual([]);
    expect(warnings(source)).toEqual([]);
  });
});

describe('Jira export table with Blocked By / Blocks columns', () => {
  const {source, data} = load('jira-export.md');
  it('reads keys, statuses, priorities, points, assignees and both edge directions', () => {
    expect(data.tasks.map((t) => [t.id, t.priority, t.done, t.owner])).toEqual([
      ['PROJ-101', 'critical', true, 'alice'],
      ['PROJ-102', 'high', false, 'bob'],
      ['PROJ-103', 'medium', false, 'carol'],
      ['PROJ-104', 'low', false, undefined],
      ['PROJ-105', 'low', false, 'alice'],
    ]);
    expect(kinds(task(data, 'PROJ-104'))).toEqual(['PROJ-102/explicit', 'PROJ-103/blocks']);
    expect(needIds(task(data, 'PROJ-102'))).toEqual(['PROJ-101']);
    expect(task(data, 'PROJ-103').extra?.['storyPoints']).toBe(8);
    expect(warnings(source)).toEqual([]);
  });
});

describe('Notion export with emoji headings and <details> toggles', () => {
  const {source, data} = load('notion-export.md');
  it('takes each toggle as a task of the section it is in', () => {
    expect(data.name).toBe('Q3 Launch Plan');
    expect(data.groups!.map((g) => g.id)).toEqual(['foundations', 'frontend']);
    expect(data.tasks.map((t) => [t.id, t.group, t.priority, t.estimate, t.owner])).toEqual([
      ['set-up-ci-pipeline', 'foundations', 'high', '2 days', 'dana'],
      ['provision-staging-database', 'foundations', 'high', '1 day', 'eli'],
      ['build-landing-page', 'frontend', 'medium', '3 days', 'fay'],
      ['analytics-dashboard', 'frontend', 'low', '5 days', undefined],
    ]);
    expect(task(data, 'set-up-ci-pipeline').done).toBe(true);
    expect(graph(data).map(([, n]) => n)).toEqual([[], ['set-up-ci-pipeline'], ['provision-staging-database'], ['build-landing-page']]);
    expect(warnings(source)).toEqual([]);
    expect(source.locate(['tasks', 1])?.line).toBe(18);
  });
});

describe('outline numbering 1. / 1.1 / 2.1.1 with "(after 1.2)"', () => {
  const {source, data} = load('nested-numbers.md');
  it('reads every numbered line as a task, grouped by its top-level item', () => {
    expect(data.groups!.map((g) => g.title)).toEqual(['Preparation', 'Migration', 'Cut-over']);
    expect(data.tasks.map((t) => t.id)).toEqual(['1.1', '1.2', '1.3', '2.1', '2.1.1', '2.1.2', '2.2', '3.1', '3.2']);
    expect(task(data, '1.2')).toMatchObject({title: 'Freeze schema changes', group: 'preparation'});
    expect(source.locate(['tasks', 4])?.line).toBe(9);
  });
  it('makes a parent wait for its sub-tasks, which wait for what the parent waits for', () => {
    expect(needIds(task(data, '2.1'))).toEqual(['1.3', '2.1.1', '2.1.2']);
    expect(needIds(task(data, '2.1.1'))).toEqual(['1.3']);
    expect(needIds(task(data, '2.1.2'))).toEqual(['2.1.1', '1.3']);
    expect(needIds(task(data, '3.1'))).toEqual(['2.1', '2.2']);
    expect(validationErrors(source)).toEqual([]);
  });
});

describe('Chinese plan with full-width punctuation and 阶段一', () => {
  const {source, data} = load('plan-zh-fullwidth.md');
  it('reads 阶段一/二 as phase-1/2 with their modes, 依赖：任务 1 and 状态：已完成', () => {
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['phase-1', 'sequential', []],
      ['phase-2', 'parallel', []],
    ]);
    expect(data.tasks.map((t) => [t.id, t.priority, t.estimate])).toEqual([
      ['1', 'high', '2 days'],
      ['2', 'high', '3 days'],
      ['3', 'medium', '5 days'],
      ['4', 'medium', '4 days'],
      ['5', 'low', '2 days'],
    ]);
    expect(task(data, '1').owner).toBe('张三');
    expect(task(data, '3').done).toBe(true);
    expect(needIds(task(data, '4'))).toEqual(['2', '3']);
    expect(needIds(task(data, '5'))).toEqual(['3', '4']);
  });
  it('warns that tasks of the "parallel" phase depend on each other, at the line that says so', () => {
    const w = source.diagnostics.filter((d) => d.code === 'group-contradiction');
    expect(w.map((d) => d.location?.line)).toEqual([28, 33, 33]);
  });
});

describe('French and Spanish plans', () => {
  it('reads Tâche, Priorité, Durée, Dépendances and accented mode words', () => {
    const {source, data} = load('plan-fr.md');
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([['phase-1', 'sequential'], ['phase-2', 'parallel']]);
    expect(data.tasks.map((t) => [t.id, t.title, t.priority, t.estimate, t.done])).toEqual([
      ['1', 'Audit des requêtes lentes', 'high', '2 days', true],
      ['2', 'Mise à jour des pilotes', 'medium', '1 day', false],
      ['3', 'Réplication logique', 'high', '3 days', false],
      ['4', 'Tests de charge', 'low', '2 days', false],
    ]);
    expect(graph(data)).toEqual([['1', []], ['2', ['1']], ['3', ['2']], ['4', ['2']]]);
    expect(warnings(source)).toEqual([]);
  });
  it('reads Tarea, Prioridad, Estimación, Dependencias: ninguna and Estado: completado', () => {
    const {source, data} = load('plan-es.md');
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([['phase-1', 'sequential'], ['phase-2', 'parallel']]);
    expect(graph(data)).toEqual([['1', []], ['2', ['1']], ['3', ['2']], ['4', ['2']]]);
    expect(task(data, '3')).toMatchObject({priority: 'medium', estimate: '4 days', done: true});
    expect(warnings(source)).toEqual([]);
  });
});

describe('sprint plan with story points and @assignees in the item line', () => {
  const {source, data} = load('sprint-points.md');
  it('takes "— 5 pts @alice" and "(depends on ONB-1)" out of the titles', () => {
    expect(data.tasks.map((t) => [t.id, t.title, t.owner, t.extra?.['storyPoints'], t.done])).toEqual([
      ['ONB-1', 'Signup form with email verification', 'alice', 5, false],
      ['ONB-2', 'Workspace creation wizard', 'bob', 8, false],
      ['ONB-3', 'Welcome email template', 'carol', 2, true],
      ['ONB-4', 'Invite teammates flow', 'alice', 5, false],
      ['ONB-5', 'Onboarding analytics events', 'dan', 3, false],
      ['ONB-6', 'Product tour tooltips', 'bob', 8, false],
    ]);
    expect(needIds(task(data, 'ONB-5'))).toEqual(['ONB-2', 'ONB-4']);
    expect(warnings(source)).toEqual([]);
  });
});

describe('migration runbook with sequential phases of checkbox steps', () => {
  const {source, data} = load('runbook-phases.md');
  it('reads phases, their barriers and done marks', () => {
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['phase-1', 'sequential', []],
      ['phase-2', 'sequential', ['phase-1']],
      ['phase-3', 'sequential', ['phase-2']],
    ]);
    expect(data.tasks).toHaveLength(8);
    expect(data.tasks.map((t) => t.done)).toEqual([true, true, false, false, false, false, false, false]);
  });
  it('says at its line that the Rollback checklist was not taken as tasks', () => {
    const info = source.diagnostics.find((d) => d.code === 'list-not-tasks');
    expect(info?.location?.line).toBe(26);
    expect(info?.message).toContain('Rollback');
  });
});

describe('Gantt-like table with Start/End days and a Predecessors column', () => {
  const {source, data} = load('gantt-table.md');
  it('reads the # column as ids and Predecessors as dependencies', () => {
    expect(graph(data)).toEqual([['1', []], ['2', ['1']], ['3', ['2']], ['4', ['2']], ['5', ['3', '4']], ['6', ['5']]]);
    expect(task(data, '4')).toMatchObject({title: 'Build templates', estimate: '9d', owner: 'Lin', extra: {Start: 'Day 10', End: 'Day 18'}});
    expect(warnings(source)).toEqual([]);
    expect(validationErrors(source)).toEqual([]);
  });
});

describe('dependencies only in an ASCII arrow diagram', () => {
  it('reads "a --> b --> c" and "a -> b" between bold-named tasks', () => {
    const {source, data} = load('ascii-arrows.md');
    expect(data.tasks.map((t) => [t.id, needIds(t)])).toEqual([['schema', []], ['backfill', ['schema']], ['api', ['backfill']], ['cleanup', ['api']], ['docs', ['api']]]);
    expect(task(data, 'backfill').needs![0]).toMatchObject({kind: 'diagram'});
    expect(task(data, 'schema').description).toBe('write the new schema migrations');
    expect(warnings(source)).toEqual([]);
  });
});

describe('YAML front matter and an ordered list with "depends on 1"', () => {
  const {source, data} = load('yaml-frontmatter.md');
  it('takes the name from the front matter and does not read it as a heading', () => {
    expect(data.name).toBe('Checkout v2 plan');
    expect(data.tasks.some((t) => /title|owner/.test(t.title))).toBe(false);
  });
  it('resolves item numbers and reads the fields after the bold title', () => {
    expect(data.tasks.map((t) => [t.title, t.estimate])).toEqual([
      ['Design the cart API', '2d'],
      ['Implement the cart service', '4d'],
      ['Payment provider integration', undefined],
      ['End-to-end tests', undefined],
    ]);
    expect(graph(data).map(([, n]) => n)).toEqual([[], ['design-the-cart-api'], ['implement-the-cart-service'], ['implement-the-cart-service', 'payment-provider-integration']]);
    expect(warnings(source)).toEqual([]);
  });
});

describe('Windows line endings and tabs', () => {
  const {source, data} = load('crlf-tabs.md');
  it('reads TASK-N ids, tab-separated fields and the batch barrier', () => {
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['batch-1', 'parallel', []],
      ['batch-2', 'sequential', ['batch-1']],
    ]);
    expect(data.tasks.map((t) => [t.id, t.priority, t.estimate])).toEqual([
      ['TASK-1', 'high', '2h'],
      ['TASK-2', 'medium', '3h'],
      ['TASK-3', 'critical', '4h'],
      ['TASK-4', 'high', '1d'],
    ]);
    expect(needIds(task(data, 'TASK-3'))).toEqual(['TASK-1']);
    expect(task(data, 'TASK-3').title).toBe('Tighten security groups');
    expect(warnings(source)).toEqual([]);
    expect(errors(source)).toEqual([]);
  });
});

describe('issue numbers as ids', () => {
  it('reads "#12" items with "(blocked by #12)" and "(depends on #13, #15)"', () => {
    const {source, data} = load('hash-ids.md');
    expect(graph(data)).toEqual([['12', []], ['13', ['12']], ['15', []], ['18', ['13', '15']]]);
    expect(task(data, '15').done).toBe(true);
    expect(warnings(source)).toEqual([]);
  });
});

describe('bullet tasks under "Tasks" with sub-bullet fields', () => {
  it('reads **Estimate:**, **Priority:** and **Depends on:** titles', () => {
    const {source, data} = load('bullets-fields.md');
    expect(data.tasks.map((t) => [t.title, t.estimate, t.priority])).toEqual([
      ['Sync queue for pending writes', '3d', 'high'],
      ['Conflict resolution', '2d', 'high'],
      ['Offline banner in the UI', '4h', 'low'],
      ['Background sync on app resume', '1d', undefined],
    ]);
    expect(needIds(task(data, 'background-sync-on-app-resume'))).toEqual(['sync-queue-for-pending-writes', 'conflict-resolution']);
    expect(task(data, 'sync-queue-for-pending-writes').instructions).toContain('SQLite');
    expect(warnings(source)).toEqual([]);
  });
});

describe('mixed-case "depends on: task 3 and task 5" and dependencies in sentences', () => {
  it('reads labels in any case and "This one depends on task 3." in the body', () => {
    const {source, data} = load('prose-deps.md');
    expect(graph(data)).toEqual([['1', []], ['2', ['1']], ['3', ['1']], ['4', ['3']], ['5', ['2', '4']]]);
    expect(task(data, '4').needs![0]).toMatchObject({kind: 'prose'});
    expect(warnings(source)).toEqual([]);
  });
});

// Documents written for this suite by a reviewer in the styles of other authors: each first failed to import as a
// careful reader would read it.
describe('sprint table with an "Est." column', () => {
  const {source, data} = load('sprint-table-est.md');
  it('reads Est. as the estimate, P0-P3 as priorities and "—", "–", "n/a" as no dependencies', () => {
    expect(data.tasks.map((t) => [t.id, t.estimate, t.priority, t.owner, needIds(t)])).toEqual([
      ['PAY-101', '1d', 'critical', 'Ana', []],
      ['PAY-102', '2d', 'critical', 'Ben', ['PAY-101']],
      ['PAY-103', '1.5d', 'high', 'Ana', ['PAY-101']],
      ['PAY-104', '3d', 'high', 'Chloe', ['PAY-102', 'PAY-103']],
      ['PAY-105', '2h', 'medium', 'Dev', []],
      ['PAY-106', '1d', 'high', 'Chloe', ['PAY-104', 'PAY-105']],
      ['PAY-107', '4h', 'low', 'Ben', []],
    ]);
    expect(otherWarnings(source)).toEqual([]);
  });
});

describe('numbered phases whose dependencies are said in prose ("Start after 1.1 is merged")', () => {
  const {data} = load('numbered-prose-deps.md');
  it('reads dotted ids in prose: "Requires 1.2.", "Once 1.2 and 1.3 are merged", "Waits for 3.1 sign-off"', () => {
    expect(data.tasks.map((t) => [t.id, kinds(t)])).toEqual([
      ['1.1', []],
      ['1.2', ['1.1/prose']],
      ['1.3', []],
      ['2.1', ['1.2/prose', '1.3/prose']],
      ['2.2', ['1.2/prose']],
      ['3.1', ['2.1/prose', '2.2/prose']],
      ['3.2', ['3.1/prose']],
    ]);
  });
});

describe('work items with several fields on one line ("Owner: @kim · Estimate: ~2 days")', () => {
  const {source, data} = load('prerequisites-multi-field.md');
  it('reads every field of the line, and keeps a note in parentheses with its reference', () => {
    expect(task(data, 'M1')).toMatchObject({owner: 'kim', estimate: '2 days'});
    expect(data.tasks.map((t) => [t.id, needIds(t)])).toEqual([
      ['M1', []],
      ['M2', ['M1']],
      ['M3', ['M2']],
      ['M4', ['M1']],
      ['M5', ['M3', 'M4', 'M6']],
      ['M6', ['M2', 'M4']],
    ]);
    expect(task(data, 'M3').extra?.['unresolvedNeeds']).toEqual(['Design sign-off (external, not tracked here)']);
    expect(warnings(source).some((w) => w.includes('"half a day"'))).toBe(true);
  });

  it('splits only at labels of known fields', () => {
    const text = '# P\n\n## Tasks\n### T1: A\n**Owner:** kim; backup: lee | **Priority:** P1 | **Depends on:** none\n### T2: B\nEstimate: 2h, Owner: ana\n';
    const data = importPlan('markdown', [{file: 'p.md', text}]).data as WrittenPlanOut;
    expect(task(data, 'T1')).toMatchObject({owner: 'kim; backup: lee', priority: 'high'});
    expect(needIds(task(data, 'T1'))).toEqual([]);
    expect(task(data, 'T2')).toMatchObject({estimate: '2h', owner: 'ana'});
  });
});

describe('Portuguese plan: "Tarefa 1.1", "Depende de: Fase 1 concluída", "Tarefas 2.1 a 2.3"', () => {
  const {source, data} = load('plano-portugues.md');
  it('reads ids, labels, none words, group barriers and ranges', () => {
    expect(data.tasks.map((t) => [t.id, t.priority, t.estimate, kinds(t)])).toEqual([
      ['1.1', 'high', '2 hours', []],
      ['1.2', 'high', '3 hours', ['1.1/explicit']],
      ['2.1', 'medium', '1 day', ['phase-1/group-barrier']],
      ['2.2', 'medium', '4 hours', ['phase-1/group-barrier']],
      ['2.3', 'critical', '6 hours', ['1.2/explicit']],
      ['3.1', 'high', '5 hours', ['2.1/explicit', '2.2/explicit', '2.3/explicit']],
    ]);
    expect(task(data, '2.3').criteria).toEqual(['Pagamento PIX confirmado em homologação', 'Webhook idempotente']);
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([
      ['phase-1', 'sequential'],
      ['phase-2', 'parallel'],
      ['phase-3', 'unspecified'],
    ]);
    expect(otherWarnings(source)).toEqual([]);
  });
});

describe('Mermaid graph with labelled nodes and a "Node" column', () => {
  const {source, data} = load('mermaid-node-column.md');
  it('reads A[...] --> B[...], D{...} and -->|label| edges onto the tasks the table names', () => {
    expect(data.tasks.map((t) => [t.id, kinds(t)])).toEqual([
      ['A', []],
      ['B', ['A/diagram']],
      ['C', ['A/diagram']],
      ['D', ['B/diagram', 'C/diagram']],
      ['E', ['D/diagram']],
      ['G', ['E/diagram']],
    ]);
    // F is "the existing alerting path, not a task": its edge is reported, not invented.
    expect(warnings(source).filter((w) => w.includes('Mermaid edge'))).toHaveLength(1);
  });
});

describe('Japanese plan: タスク P1-1, 見積もり, 優先度, （直列）/（並列）', () => {
  const {source, data} = load('japanese-phases.md');
  it('reads ids, estimates, priorities and group modes, and keeps voiced kana in ids', () => {
    expect(data.tasks.map((t) => [t.id, t.estimate, t.priority, needIds(t)])).toEqual([
      ['P1-1', '4 hours', 'high', []],
      ['P1-2', '2 hours', 'medium', ['P1-1']],
      ['P2-1', '2 days', 'high', ['P1-2']],
      ['P2-2', '1 day', 'medium', ['P1-2']],
      ['P2-3', '6 hours', 'low', ['P1-1']],
      ['P3-1', '3 hours', 'high', ['P2-1', 'P2-2', 'P2-3']],
    ]);
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([
      ['フェーズ1-準備-直列', 'sequential'],
      ['フェーズ2-実装-並列', 'parallel'],
      ['フェーズ3-切替', 'unspecified'],
    ]);
    expect(otherWarnings(source)).toEqual([]);
  });
});

describe('dependency lists joined by "/", "or", "y", ranges "1.1 a 1.3" and "1.1-1.3"', () => {
  const {data} = load('dep-list-connectors.md');
  it('names every task of the list', () => {
    expect(data.tasks.slice(6).map((t) => [t.id, needIds(t)])).toEqual([
      ['T4', ['T1', 'T3']],
      ['T5', ['1.1', '1.2', '1.3']],
      ['T6', ['T1', 'T3']],
      ['T7', ['T1', 'T2']],
      ['T8', ['1.1', '1.2', '1.3']],
      ['T9', ['T2', 'T3']],
    ]);
  });
});

describe('Jira CSV exports', () => {
  it('reads "Issue key" as the id, "Original Estimate" in seconds and "Blocked by" lists', () => {
    const {source, data} = importFile(WILD, 'jira-export.csv', 'csv');
    expect(data.tasks.map((t) => [t.id, t.estimate, needIds(t)])).toEqual([
      ['OPS-301', 120, []],
      ['OPS-302', 240, ['OPS-301']],
      ['OPS-303', 480, ['OPS-301', 'OPS-302']],
      ['OPS-304', 180, ['OPS-301']],
      ['OPS-305', 300, []],
      ['OPS-306', 240, ['OPS-303', 'OPS-304']],
      ['OPS-307', 60, ['OPS-305']],
    ]);
    expect(errors(source)).toEqual([]);
  });

  it('reads Jira\'s own link columns: "Inward issue link (Blocks)" is what blocks the issue', () => {
    const {data} = importFile(WILD, 'jira-native-links.csv', 'csv');
    expect(data.tasks.map((t) => [t.id, t.title, kinds(t)])).toEqual([
      ['OPS-1', 'A', []],
      ['OPS-2', 'B', ['OPS-1/explicit']],
    ]);
  });
});

describe('a plan that is only headings numbered like an outline ("### 1.1 Extract the indexer")', () => {
  it('reads them as tasks when nothing else is a task, and says so', () => {
    const text = '# Plan\n\n### 1.1 Extract the indexer\nMove code.\n\n### 1.2 Add the client wrapper\nStart after 1.1 is merged.\n\n### 2.1 Backfill job\nRequires 1.2.\n';
    const source = importPlan('markdown', [{file: 'outline.md', text}]);
    const data = source.data as WrittenPlanOut;
    expect(data.tasks.map((t) => [t.id, t.title, needIds(t)])).toEqual([
      ['1.1', 'Extract the indexer', []],
      ['1.2', 'Add the client wrapper', ['1.1']],
      ['2.1', 'Backfill job', ['1.2']],
    ]);
    expect(source.inferences.some((i) => i.message.includes('numbered like 1.1'))).toBe(true);
  });

  it('does not take numbered sections for tasks when the document has tasks of its own', () => {
    const text = '# Plan\n\n## 1.1 Background\nWhy.\n\n## Tasks\n- [ ] T1 Build it\n- [ ] T2 Ship it (depends on T1)\n';
    const data = importPlan('markdown', [{file: 'mixed.md', text}]).data as WrittenPlanOut;
    expect(data.tasks.map((t) => t.id)).toEqual(['T1', 'T2']);
  });
});

describe('tasks opened by a bold line instead of a heading', () => {
  it('reads "**Task 1: Set up DB**" with its fields as a task, one level below the phase', () => {
    const text = '# Plan\n\n## Phase 1\n\n**Task 1: Set up DB**\n- Priority: High\n- Estimate: 2h\n\n**Task 2: API**\n- Depends on: Task 1\n- Estimate: 3h\n\n## Phase 2\n\n**Task 3: Deploy** (1h)\nDepends on: Phase 1\n';
    const source = importPlan('markdown', [{file: 'bold.md', text}]);
    const data = source.data as WrittenPlanOut;
    expect(data.tasks.map((t) => [t.id, t.title, t.group, t.estimate, t.priority, needIds(t)])).toEqual([
      ['1', 'Set up DB', 'phase-1', '2h', 'high', []],
      ['2', 'API', 'phase-1', '3h', undefined, ['1']],
      ['3', 'Deploy', 'phase-2', '1h', undefined, ['phase-1']],
    ]);
    expect(warnings(source)).toEqual([]);
  });

  it('reads story lines "**FAL-21: ...** — 5 pts" with their points and dependencies', () => {
    const {data} = load('bold-story-lines.md');
    expect(data.tasks.map((t) => [t.id, t.extra?.['storyPoints'], needIds(t)])).toEqual([
      ['FAL-21', 5, ['FAL-20']],
      ['FAL-20', 3, []],
      ['FAL-22', 3, ['FAL-21']],
      ['FAL-23', 2, ['FAL-21']],
      ['FAL-24', 1, ['FAL-21']],
      ['FAL-25', expect.anything(), []],
    ]);
  });

  it('leaves bold field labels and bold words that name no task alone', () => {
    const text = '# Plan\n\n## Tasks\n### T1: Build\n**Priority:** high\n\n**Note** this is important\n\n**Estimate: 2h**\n';
    const data = importPlan('markdown', [{file: 'labels.md', text}]).data as WrittenPlanOut;
    expect(data.tasks.map((t) => [t.id, t.priority])).toEqual([['T1', 'high']]);
  });
});

describe('numbered waves', () => {
  it('orders them by "A wave starts when the previous wave is fully green"', () => {
    const {source, data} = load('waves-previous-green.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['wave-1', 'parallel', []],
      ['wave-2', 'parallel', ['wave-1']],
      ['wave-3', 'sequential', ['wave-2']],
    ]);
    expect(otherWarnings(source)).toEqual([]);
  });

  it('warns when nothing orders numbered batches, and adds no edge of its own', () => {
    const text = '# P\n\n## Batch 1 (parallel)\n### Task 1.1: A\n### Task 1.2: B\n\n## Batch 2 (parallel)\n### Task 2.1: C\n### Task 2.2: D\n';
    const source = importPlan('markdown', [{file: 'nb.md', text}]);
    const data = source.data as WrittenPlanOut;
    expect(data.groups!.map((g) => g.needs)).toEqual([[], []]);
    expect(data.tasks.every((t) => needIds(t).length === 0)).toBe(true);
    const w = source.diagnostics.filter((d) => d.code === 'unordered-groups');
    expect(w.map((d) => [d.location?.line, d.message.slice(0, 40)])).toEqual([[7, 'Batch 1, Batch 2 are numbered, but nothi']]);
  });
});

// A second reviewer's documents, in yet other styles.
describe('agent sections with a "**Task ID:**" field', () => {
  it('takes the id from the field, so "Depends on: BILL-1" resolves', () => {
    const {source, data} = load('agents-task-id-field.md');
    expect(data.tasks.map((t) => [t.id, needIds(t)])).toEqual([
      ['BILL-1', []],
      ['BILL-2', []],
      ['BILL-3', []],
      ['BILL-4', ['BILL-1', 'BILL-2']],
      ['BILL-5', ['BILL-3', 'BILL-4']],
    ]);
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['phase-1', 'parallel', []],
      ['phase-2', 'sequential', ['phase-1']],
    ]);
    expect(validationErrors(source)).toEqual([]);
  });
});

describe('German and French plans', () => {
  it('reads "Abhängig von", "Aufwand", "Abnahmekriterien" and a phase barrier', () => {
    const {data} = load('plan-de.md');
    expect(data.tasks.map((t) => [t.id, t.estimate, needIds(t)])).toEqual([
      ['K-01', '2 hours', []],
      ['K-02', '3 hours', []],
      ['K-03', '1 day', []],
      ['K-04', '4 hours', ['K-01', 'K-02']],
      ['K-05', '0,5 days', ['K-04']],
      ['K-06', '2 hours', ['K-04', 'K-05']],
    ]);
    expect(data.groups!.map((g) => g.needs)).toEqual([[], ['phase-1']]);
    expect(task(data, 'K-01').criteria).toEqual(['docker build läuft für alle drei Dienste durch', 'Images kleiner als 300 MB']);
  });

  it('reads French lots, "1 j" and "1,5 j" estimates', () => {
    const {source, data} = load('plan-fr-lots.md');
    expect(data.tasks.map((t) => [t.id, t.estimate])).toEqual([
      ['PAY-01', '3 h'],
      ['PAY-02', '1 day'],
      ['PAY-03', '2 h'],
      ['PAY-04', '1,5 days'],
      ['PAY-05', '4 h'],
      ['PAY-06', '30 min'],
    ]);
    expect(data.groups!.map((g) => [g.mode, g.needs])).toEqual([
      ['parallel', []],
      ['sequential', ['batch-1']],
    ]);
    expect(otherWarnings(source)).toEqual([]);
  });

  it('reads barriers said in German and French: "sobald Phase 1 abgeschlossen ist", "Nach Abschluss von", "une fois ... terminée" in a heading', () => {
    const {data} = load('barrier-prose-de-fr.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['phase-1', 'parallel', []],
      ['phase-2', 'unspecified', ['phase-1']],
      ['phase-3', 'unspecified', ['phase-2']],
      ['batch-4', 'sequential', ['phase-3']],
    ]);
    expect(task(data, 'K-04').estimate).toBe('1 day');
  });

  it('reads a German CSV with ";", a BOM and "Abhängig von"', () => {
    const {data} = importFile(WILD, 'tracker-de.csv', 'csv');
    expect(data.tasks.map((t) => [t.id, needIds(t)])).toEqual([
      ['DE-1', []],
      ['DE-2', ['DE-1']],
      ['DE-3', ['DE-2']],
      ['DE-4', ['DE-2', 'DE-3']],
      ['DE-5', ['DE-4']],
    ]);
  });
});

describe('milestones named "Milestone M1"', () => {
  it('are groups, and "M2 starts after M1" orders them', () => {
    const {data} = load('milestones-m1.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['milestone-m1', 'parallel', []],
      ['milestone-m2', 'parallel', ['milestone-m1']],
      ['milestone-m3', 'sequential', ['milestone-m2']],
    ]);
    expect(needIds(task(data, 'ONB-5'))).toEqual(['ONB-2']);
  });
});

describe('a barrier written in the group heading', () => {
  it('"## Phase 2 (sequential, starts after Phase 1 is merged)" waits for Phase 1', () => {
    const {data} = load('barrier-in-heading.md');
    expect(data.groups!.map((g) => [g.id, g.mode, g.needs])).toEqual([
      ['phase-1', 'parallel', []],
      ['phase-2', 'sequential', ['phase-1']],
    ]);
  });
});

describe('tables whose "Task" column holds ids', () => {
  it('take the next title or description column as the title', () => {
    const {data} = load('title-columns.md');
    expect(data.tasks.map((t) => [t.id, t.title, t.description])).toEqual([
      ['PAY-01', 'Nouveau schéma', undefined],
      ['AUTH-1', 'Rotate JWT signing keys', undefined],
    ]);
  });
});

describe('an arrow graph in a code block under "Overview"', () => {
  it('orders the tasks of the other sections', () => {
    const {data} = load('tracks-arrows-overview.md');
    expect(data.tasks.map((t) => [t.id, kinds(t)])).toEqual([
      ['OBS-1', []],
      ['OBS-2', ['OBS-1/diagram']],
      ['OBS-3', ['OBS-2/diagram']],
      ['OBS-4', []],
      ['OBS-5', ['OBS-4/diagram']],
      ['OBS-6', ['OBS-2/diagram', 'OBS-5/diagram']],
      ['OBS-7', ['OBS-6/diagram']],
    ]);
  });
});

describe('YAML front matter', () => {
  it('carries concurrency into the plan', () => {
    const {data} = load('frontmatter-concurrency.md');
    expect((data as WrittenPlanOut & {concurrency?: number}).concurrency).toBe(2);
  });
});

describe('checklists under plain headings', () => {
  const read = (text: string): WrittenPlanOut => importPlan('markdown', [{file: 'c.md', text}]).data as WrittenPlanOut;

  it('"## Cut-over (sequential)" gives its steps a sequential group named without the marker', () => {
    const data = read('# Runbook\n\n## Cut-over (sequential)\n\n1. [ ] Stop writers (2 min)\n2. [ ] Run pg_upgrade (10 min)\n3. [ ] Start writers (2 min)\n');
    expect(data.groups!.map((g) => [g.id, g.mode])).toEqual([['cut-over', 'sequential']]);
    expect(data.tasks.map((t) => [t.id, t.estimate])).toEqual([['stop-writers', '2 min'], ['run-pg-upgrade', '10 min'], ['start-writers', '2 min']]);
  });

  it('reads the checklist of "## Final checks" beside "## Phase 1: Build", and of "## Verification (parallel)"', () => {
    const a = read('# Release\n\n## Phase 1: Build\n\n- [ ] Build the installer (1h)\n\n## Final checks\n\n- [ ] Smoke-test the installer (20 min)\n');
    expect(a.tasks.map((t) => [t.title, t.group])).toEqual([['Build the installer', 'phase-1'], ['Smoke-test the installer', 'final-checks']]);
    const b = read('# Runbook\n\n## Cut-over\n\n1. [ ] Stop writers (2 min)\n\n## Verification (parallel)\n\n- [ ] Smoke tests (10 min)\n- [ ] Compare row counts (15 min)\n');
    expect(b.groups!.map((g) => [g.id, g.mode])).toEqual([['cut-over', 'unspecified'], ['verification', 'parallel']]);
    expect(b.tasks).toHaveLength(3);
  });

  it('does not take a document-level acceptance checklist for tasks', () => {
    const source = importPlan('markdown', [{file: 'c.md', text: '# Plan\n\n## Phase 1\n\n- [ ] Build it (1h)\n\n## Acceptance criteria\n\n- [ ] All tests pass\n- [ ] No lint errors\n'}]);
    const data = source.data as WrittenPlanOut;
    expect(data.tasks.map((t) => t.title)).toEqual(['Build it']);
    expect(source.diagnostics.some((d) => d.code === 'list-not-tasks' && d.message.includes('Acceptance criteria'))).toBe(true);
  });
});

describe('statuses that say a task will not be done, and percentages', () => {
  it('imports Canceled, Won\'t do and Duplicate as done, with a warning each', () => {
    const text = '# Cycle\n\n| ID | Title | Status | Estimate |\n|---|---|---|---|\n| S-1 | Scorer | Done | 2h |\n| S-2 | Dashboard | Canceled | 2h |\n| S-3 | Cleanup | Won’t do | 1h |\n| S-4 | Copy | Duplicate | 1h |\n| S-5 | Tuning | In progress | 1h |\n';
    const source = importPlan('markdown', [{file: 'c.md', text}]);
    const data = source.data as WrittenPlanOut;
    expect(data.tasks.map((t) => [t.id, t.done ?? false])).toEqual([['S-1', true], ['S-2', true], ['S-3', true], ['S-4', true], ['S-5', false]]);
    expect(source.diagnostics.filter((d) => d.code === 'cancelled-task').map((d) => d.location?.line)).toEqual([6, 7, 8]);
  });

  it('reads "% Complete: 100%" as done and "40%" as not done', () => {
    const text = '# P\n\n| ID | Task | % Complete |\n|---|---|---|\n| 1 | A | 100% |\n| 2 | B | 40% |\n';
    const data = importPlan('markdown', [{file: 'p.md', text}]).data as WrittenPlanOut;
    expect(data.tasks.map((t) => [t.id, t.done ?? false])).toEqual([['1', true], ['2', false]]);
  });
});

describe('a third review round: long assistant-written plans', () => {
  const read = (text: string): WrittenPlanOut => importPlan('markdown', [{file: 'r.md', text}]).data as WrittenPlanOut;

  it('reads field labels that start with an emoji', () => {
    const data = read('# Plan\n\n### Task B1 — Bootstrap\n**⏱️ Estimated Time**: 2 hours\n**📊 Status**: ✅ Done\n\n### Task B2 — Replica\n**🔗 Dependencies**: B1\n**⏱️ Estimated Time**: 45 min\n');
    expect(data.tasks.map((t) => [t.id, t.estimate, t.done ?? false, needIds(t)])).toEqual([
      ['B1', '2 hours', true, []],
      ['B2', '45 min', false, ['B1']],
    ]);
  });

  it('reads bold task lines with underscores, and several in a row', () => {
    const a = read('# Plan\n\n## Tasks\n\n**A1. Add an `updated_since` cursor** — ~2h\n- Return next_cursor\n\n**A2. Client sync** — ~4h\n');
    expect(a.tasks.map((t) => [t.id, t.estimate])).toEqual([['A1', '2h'], ['A2', '4h']]);
    const b = read('# Plan\n\n## Release (sequential)\n\n**R1. Merge and tag** — ~1h\n**R2. Staged rollout** — ~2h\n**R3. Rollout to 100%** — 30m\n');
    expect(b.tasks.map((t) => [t.id, t.estimate, t.group])).toEqual([['R1', '1h', 'release-sequential'], ['R2', '2h', 'release-sequential'], ['R3', '30m', 'release-sequential']]);
    expect(b.groups!.map((g) => g.mode)).toEqual(['sequential']);
  });

  it('reads "Requisito previo: Fase 1 completada" against the heading "Phase 1"', () => {
    const data = read('# Plan\n\n## Phase 1: Preparación (SECUENCIAL)\n\n### Task 1.1: Auditar\n\n## Phase 2: Migración (PARALELO)\n\n**Requisito previo:** Fase 1 completada.\n\n### Task 2.1: Migrar\n');
    expect(data.groups!.map((g) => [g.id, g.needs])).toEqual([['phase-1', []], ['phase-2', ['phase-1']]]);
  });
});
