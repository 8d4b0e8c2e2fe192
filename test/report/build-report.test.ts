import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it} from 'vitest';
import type {Plan, RunId} from '../../src/model/index.js';
import {parsePlanText} from '../../src/plan/load.js';
import {normalizePlan} from '../../src/plan/normalize.js';
import {acceptanceFileNames, acceptanceRecords, buildReport, formatMs, mermaidGantt, reportHtml, reportJson, reportMarkdown, REPORT_SCHEMA_VERSION} from '../../src/report/index.js';
import type {Report, ReportInput} from '../../src/report/index.js';
import type {RunStore} from '../../src/store/index.js';
import {sqliteStore} from '../../src/store/index.js';
import {fillMixedRun, fillPreviousRun, PLAN_FILE, RUN, T0} from './fixture.js';

const PLAN_YAML = `
name: mixed
concurrency: 2
tasks:
  - {id: setup, title: Set up the database, priority: critical, estimate: 4s, run: [make, setup], verify: [{name: db-ping, run: [make, ping]}], criteria: [The database answers]}
  - {id: lint, title: "Lint <script>window.pwned=1</script>", priority: high, estimate: 1s, run: [make, lint], verify: [{name: eslint, run: [npx, eslint, .]}]}
  - {id: slow, title: Slow integration suite, priority: high, estimate: 2s, run: [make, slow]}
  - {id: deploy, title: Deploy, needs: [lint, setup], priority: critical, run: [make, deploy]}
  - {id: flaky, title: Flaky e2e, run: [make, e2e], estimate: 1s, retries: 1}
  - {id: build, title: Build, needs: [setup], run: [make, build], estimate: 2s}
  - {id: docs, title: Docs, done: true, run: [make, docs]}
  - {id: "pkg/api:v2", title: API v2 by an agent, needs: [build], priority: high, estimate: 2s, run: [make, api], criteria: [v2 routes answer, old clients keep working], returns: a summary}
  - {id: notify, title: Notify, needs: ["pkg/api:v2"], priority: low, run: [make, notify]}
  - {id: release, title: Release, needs: [deploy], priority: low, run: [make, release]}
`;

function planOf(yaml: string): Plan {
  const r = normalizePlan(parsePlanText(PLAN_FILE, yaml, 'yaml'));
  if (!r.plan) throw new Error(JSON.stringify(r.diagnostics));
  return r.plan;
}

let store: RunStore;

beforeEach(async () => {
  store = sqliteStore(join(mkdtempSync(join(tmpdir(), 'paraplan-report-')), 'paraplan.db'));
  await fillPreviousRun(store);
  await fillMixedRun(store);
});
afterEach(() => store.close());

async function input(run: RunId = RUN, extra: Partial<ReportInput> = {}): Promise<ReportInput> {
  const r = (await store.getRun(run))!;
  return {run: r, tasks: await store.tasks(run), attempts: await store.attempts(run), events: await store.events(run), now: T0 + 3_600_000, ...extra};
}

async function mixedReport(extra: Partial<ReportInput> = {}): Promise<Report> {
  const prev = await input((await store.listRuns()).find((r) => r.id !== RUN)!.id);
  return buildReport(await input(RUN, {previous: prev, plan: {status: 'loaded', plan: planOf(PLAN_YAML), modifiedAt: T0 - 1000}, ...extra}));
}

describe('buildReport', () => {
  it('counts every task state apart and never counts skipped, cancelled or unverified tasks as verified', async () => {
    const r = await mixedReport();
    expect(r.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(r.summary.byStatus).toEqual({pending: 0, ready: 0, running: 0, retry_wait: 0, succeeded: 4, failed: 2, upstream_failed: 2, skipped: 1, cancelled: 1});
    expect(r.summary.succeeded).toEqual({total: 4, verified: 3, unverified: 1, gates: 0});
    expect(r.tasks.find((t) => t.id === 'build')!.statusText).toBe('completed, unverified');
    expect(r.tasks.find((t) => t.id === 'docs')!.statusText).toBe('skipped: done in the plan');
    expect(r.tasks.find((t) => t.id === 'flaky')!.statusText).toBe('succeeded, verified (1 check passed) after 2 attempts');
    expect(r.tasks.find((t) => t.id === 'lint')!.evidence).toBe('failed-verification');
    expect(r.summary.succeededAfterRetry).toEqual(['flaky']);
    expect(r.summary.attempts).toBe(8);
    expect(r.summary.attemptsByOutcome).toMatchObject({ok: 4, exit_nonzero: 1, verify_failed: 1, timeout: 1, cancelled: 1, running: 0});
  });

  it('computes speed-up, efficiency and time saved from the attempts, not from estimates', async () => {
    const r = await mixedReport();
    // Attempts: setup 2000, lint 1000, flaky 500 + 1000, build 1000, slow 3000, api 4000, notify 3000.
    expect(r.time.taskTimeMs).toBe(15_500);
    expect(r.time.wallMs).toBe(10_000);
    expect(r.time.wallEnd).toBe('finished');
    expect(r.time.speedup).toBeCloseTo(1.55);
    expect(r.time.parallelEfficiency).toBeCloseTo(0.775);
    expect(r.time.timeSavedMs).toBe(5500);
    expect(r.time.predictedMs).toBe(9000);
    // setup → build → api → notify: 2000 + 1000 + 4000 + 3000.
    expect(r.time.actualCriticalPath).toEqual({path: ['setup', 'build', 'pkg/api:v2', 'notify'], ms: 10_000});
    // Compared: setup 2000/4000, lint 1000/1000, slow 3000/2000, flaky 1500/1000, build 1000/2000, api 4000/2000.
    expect(r.time.estimates).toEqual({tasksCompared: 6, estimatedMs: 12_000, actualMs: 12_500, ratio: 12_500 / 12_000});
  });

  it('lists failures with their verify results and output, and completion by priority', async () => {
    const r = await mixedReport();
    expect(r.summary.failures.map((f) => [f.task, f.outcome])).toEqual([
      ['lint', 'verify_failed'],
      ['slow', 'timeout'],
    ]);
    expect(r.summary.failures[0]!.verify[0]).toMatchObject({name: 'eslint', exitCode: 1});
    expect(r.summary.failures[0]!.logTail).toContain('<script>window.pwned=3</script>');
    expect(r.summary.byPriority).toEqual([
      {priority: 'critical', total: 2, succeeded: 1, verified: 1, failed: 0, other: 1, succeededRatio: 0.5},
      {priority: 'high', total: 3, succeeded: 1, verified: 1, failed: 2, other: 0, succeededRatio: 1 / 3},
      {priority: 'medium', total: 3, succeeded: 2, verified: 1, failed: 0, other: 1, succeededRatio: 2 / 3},
      {priority: 'low', total: 2, succeeded: 0, verified: 0, failed: 0, other: 2, succeededRatio: 0},
    ]);
  });

  it('says what is ready next and what is blocked by what', async () => {
    const r = await mixedReport();
    expect(r.remaining.notDone).toEqual(['lint', 'slow', 'deploy', 'notify', 'release']);
    expect(r.remaining.ready).toEqual(['lint', 'slow', 'notify']);
    expect(r.remaining.blocked).toEqual([
      {task: 'deploy', by: [{task: 'lint', status: 'failed'}], rootCauses: ['lint']},
      {task: 'release', by: [{task: 'deploy', status: 'upstream_failed'}], rootCauses: ['lint']},
    ]);
  });

  it('carries an agent task\'s branch, commits, changes, tokens, cost and result', async () => {
    const r = await mixedReport();
    const api = r.tasks.find((t) => t.id === 'pkg/api:v2')!;
    expect(api).toMatchObject({branch: 'paraplan/api-v2', result: 'Added the v2 router and 40 tests.', criteria: ['v2 routes answer', 'old clients keep working'], returns: 'a summary'});
    expect(api.changes).toEqual({commits: ['abc1234', 'def5678'], filesChanged: 5, insertions: 120, deletions: 7});
    expect(api.usage).toEqual({costUsd: 0.42, inputTokens: 12000, outputTokens: 3400, attemptsWithUsage: 1});
    expect(r.summary.usage.costUsd).toBe(0.42);
    expect(r.tasks.find((t) => t.id === 'build')!.usage.costUsd).toBeNull();
  });

  it('compares with the previous run of the same plan file', async () => {
    const r = await mixedReport();
    expect(r.comparison!.previousRun).toBe('r20250101-100000-zzzz');
    const row = (m: string) => r.comparison!.rows.find((x) => x.metric === m);
    expect(row('succeeded')).toMatchObject({before: 1, after: 4});
    expect(row('cancelled')).toMatchObject({before: 8, after: 1});
    expect(row('wall time')).toMatchObject({before: 3000, after: 10_000});
    expect(r.comparison!.changedTasks).toContainEqual({task: 'flaky', before: 'cancelled', after: 'succeeded'});
    expect(r.comparison!.changedTasks.find((t) => t.task === 'lint')).toBeUndefined();
  });

  it('says when the plan file changed or is missing, and then invents no priority or estimate', async () => {
    const changed = await mixedReport({plan: {status: 'loaded', plan: planOf(PLAN_YAML.replace('title: Deploy,', 'title: Deploy to prod,').replace('needs: [deploy]', 'needs: [build]')), modifiedAt: T0 + 5000}});
    expect(changed.plan.status).toBe('changed');
    expect(changed.plan.notes).toEqual([
      'task deploy: title changed from "Deploy" to "Deploy to prod"',
      'task release: dependencies changed from [deploy] to [build]',
      'the plan file was modified after the run started: priorities, estimates and criteria shown are the current ones',
    ]);
    const missing = buildReport(await input(RUN, {plan: {status: 'missing', message: 'the plan file is gone'}}));
    expect(missing.plan).toEqual({status: 'missing', file: PLAN_FILE, notes: ['the plan file is gone']});
    expect(missing.tasks.every((t) => t.priority === null && t.estimateMs === null)).toBe(true);
    expect(missing.summary.byPriority).toEqual([{priority: 'unknown', total: 10, succeeded: 4, verified: 3, failed: 2, other: 4, succeededRatio: 0.4}]);
    expect(missing.time.estimates.ratio).toBeNull();
    expect(reportMarkdown(missing)).toContain('missing: no priorities, estimates or criteria');
  });

  it('measures a run still going up to now, and marks its open attempt running', async () => {
    const s2 = sqliteStore(':memory:');
    const run = 'r20250103-100000-live' as RunId;
    await s2.createRun({id: run, planName: 'live', workers: 1, options: {failFast: false, redoDone: false}, startedAt: T0, lease: {owner: 'o', pid: 1, host: 'h', expiresAt: T0 + 1e9}, tasks: [{task: 'a' as never, position: 0, title: 'A', needs: [], executor: 'shell'}]});
    await s2.append([{type: 'attempt', reason: 'started', run, at: T0 + 100, task: 'a' as never, attempt: 1, worker: 0, logPath: 'logs/x.log'}]);
    const r = buildReport({run: (await s2.getRun(run))!, tasks: await s2.tasks(run), attempts: await s2.attempts(run), events: await s2.events(run), now: T0 + 5000});
    s2.close();
    expect(r.time).toMatchObject({wallMs: 5000, wallEnd: 'now'});
    expect(r.gantt.bars).toEqual([{task: 'a', attempt: 1, worker: 0, startMs: 100, endMs: 5000, outcome: 'running', exitCode: null}]);
    expect(r.summary.notFinished).toBe(1);
    expect(r.tasks[0]!.statusText).toBe('not finished (running)');
  });
});

describe('renderers', () => {
  it('JSON is the report object itself, with a schema version', async () => {
    const r = await mixedReport();
    expect(JSON.parse(reportJson(r))).toEqual(JSON.parse(JSON.stringify(r)));
  });

  it('Markdown escapes titles and logs, and fences output that holds backticks', async () => {
    const r = await mixedReport();
    const md = reportMarkdown(r);
    expect(md).toContain('Lint \\<script>window.pwned=1\\</script>');
    expect(md).not.toContain('&lt;');
    // Outside code, `<` is backslash-escaped (no HTML entities: the raw Markdown stays readable).
    expect(md).not.toMatch(/(^|[^`\\])<script>window\.pwned=1/);
    expect(md).toContain('| `build` | Build | completed, unverified | 1 |');
    expect(md).toContain('```mermaid\ngantt');
    expect(md).toContain(`| Measured speed-up | 1.55x | task time / wall time |`);
    expect(md).toContain(`| Wall time | ${formatMs(10_000)} |`);
  });

  it('the Mermaid Gantt chart has one section per worker and no character that breaks its syntax', async () => {
    const r = await mixedReport();
    const g = mermaidGantt(r.gantt, 'x: y');
    expect(g).toContain('section worker 1');
    expect(g).toContain('section worker 2');
    expect(g).toContain(`pkg/api v2 try 1 (ok) :done, ${T0 + 3000}, ${T0 + 7000}`);
    expect(g).toContain(`slow try 1 (timed out) :crit, ${T0 + 2600}, ${T0 + 5600}`);
    for (const line of g.split('\n').filter((l) => l.includes(' try '))) expect(line.split(':').length).toBe(2);
  });

  it('HTML escapes every task text and carries no script', async () => {
    const r = await mixedReport();
    const html = reportHtml(r);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;window.pwned=1&lt;/script&gt;');
    expect(html).toContain("Content-Security-Policy");
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
  });
});

describe('acceptance records', () => {
  it('writes one record per succeeded task, with safe and distinct file names', async () => {
    const recs = acceptanceRecords(await mixedReport());
    expect(recs.map((x) => x.fileName)).toEqual(['ACCEPTANCE_setup.md', 'ACCEPTANCE_flaky.md', 'ACCEPTANCE_build.md', 'ACCEPTANCE_pkg_api_v2.md']);
    const api = recs.find((x) => x.task === 'pkg/api:v2')!.text;
    expect(api).toContain('- v2 routes answer');
    expect(api).toContain('### api-tests');
    expect(api).toContain('exit code 0');
    expect(api).toContain('`abc1234`');
    expect(recs.find((x) => x.task === 'build')!.text).toContain('**completed, unverified**');
    expect(acceptanceFileNames(['a/b', 'a:b', 'A_b'])).toEqual(
      new Map([
        ['a/b', 'ACCEPTANCE_a_b.md'],
        ['a:b', 'ACCEPTANCE_a_b-2.md'],
        ['A_b', 'ACCEPTANCE_A_b-3.md'],
      ]),
    );
  });
});

describe('scale and hostile input', () => {
  it('builds the report of a 20,000-task chain without deep recursion', () => {
    const n = 20_000;
    const run = {id: RUN, planName: 'chain', status: 'failed' as const, startedAt: T0, finishedAt: T0 + n, workers: 1, options: {failFast: false, redoDone: false}, taskCount: n};
    const ids = Array.from({length: n}, (_, i) => `t${i}` as never);
    const tasks = ids.map((task, i) => ({run: RUN, task, position: i, title: `T${i}`, needs: i ? [ids[i - 1]!] : [], executor: 'shell', status: i < n / 2 ? ('succeeded' as const) : i === n / 2 ? ('failed' as const) : ('upstream_failed' as const), attempts: i <= n / 2 ? 1 : 0, updatedAt: T0}));
    const attempts = ids.slice(0, n / 2 + 1).map((task, i) => ({run: RUN, task, attempt: 1, worker: 0, startedAt: T0 + i, finishedAt: T0 + i + 1, durationMs: 1, exitCode: i === n / 2 ? 1 : 0, outcome: i === n / 2 ? ('exit_nonzero' as const) : ('ok' as const), logPath: 'x', verify: []}));
    const started = Date.now();
    const r = buildReport({run, tasks, attempts, events: [], now: T0 + n});
    expect(Date.now() - started).toBeLessThan(5000);
    expect(r.time.actualCriticalPath.ms).toBe(n / 2 + 1);
    expect(r.remaining.ready).toEqual([`t${n / 2}`]);
    expect(r.remaining.blocked[r.remaining.blocked.length - 1]!.rootCauses).toEqual([`t${n / 2}`]);
    expect(reportMarkdown(r).length).toBeGreaterThan(n * 10);
  });

  it('keeps pipes, backticks and newlines in titles from breaking Markdown tables', async () => {
    const r = await mixedReport();
    const hostile = {...r, tasks: r.tasks.map((t) => (t.id === 'build' ? {...t, title: 'a | b `c` \n d'} : t))};
    const line = reportMarkdown(hostile).split('\n').find((l) => l.startsWith('| `build` |'))!;
    expect(line).toBe('| `build` | a \\| b \\`c\\`   d | completed, unverified | 1 | 2.00 s | 1.00 s | 0.50x | shell |');
  });
});
