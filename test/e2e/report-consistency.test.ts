import Database from 'better-sqlite3';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {formatMs, formatRatio, formatPercent} from '../../src/report/index.js';
import {paraplan} from '../helpers/cli.js';
import {runMixedPlanTwice, type MixedRuns} from '../report/mixed-run.js';

/**
 * The acceptance test of issue 6: a real run with every outcome, then the Markdown, HTML and JSON reports are
 * checked row by row against figures recomputed here straight from the SQLite file (not through the store).
 */

interface TaskRow {
  task: string;
  title: string;
  status: string;
  reason: string | null;
}
interface AttemptRow {
  task: string;
  attempt: number;
  outcome: string | null;
  exit_code: number | null;
  /** finished_at − started_at: an attempt's time in every report and in `paraplan status`. */
  ms: number | null;
  verify: string | null;
}
interface Expected {
  runId: string;
  previousId: string;
  status: string;
  workers: number;
  wallMs: number;
  taskTimeMs: number;
  counts: Record<string, number>;
  attempts: number;
  tasks: {id: string; title: string; status: string; statusText: string; attempts: number; actualMs: number; verified: boolean}[];
  previousCounts: Record<string, number>;
  previousWallMs: number;
}

const STATUSES = ['pending', 'ready', 'running', 'retry_wait', 'succeeded', 'failed', 'upstream_failed', 'skipped', 'cancelled'];

/** Recomputes the report's figures from the database with plain SQL. */
function recompute(db: Database.Database): Expected {
  const runs = db.prepare('SELECT id, status, started_at, finished_at, workers FROM runs ORDER BY started_at DESC, id DESC').all() as {id: string; status: string; started_at: number; finished_at: number; workers: number}[];
  const [run, prev] = runs as [(typeof runs)[0], (typeof runs)[0]];
  const counts = (id: string): Record<string, number> => {
    const out = Object.fromEntries(STATUSES.map((s) => [s, 0]));
    for (const r of db.prepare('SELECT status, COUNT(*) AS n FROM tasks WHERE run = ? GROUP BY status').all(id) as {status: string; n: number}[]) out[r.status] = r.n;
    return out;
  };
  const tasks = db.prepare('SELECT task, title, status, reason FROM tasks WHERE run = ? ORDER BY position').all(run.id) as TaskRow[];
  const attempts = db.prepare('SELECT task, attempt, outcome, exit_code, finished_at - started_at AS ms, verify FROM attempts WHERE run = ? ORDER BY task, attempt').all(run.id) as AttemptRow[];
  const total = (db.prepare('SELECT SUM(finished_at - started_at) AS s, COUNT(*) AS n FROM attempts WHERE run = ?').get(run.id) as {s: number; n: number});
  return {
    runId: run.id,
    previousId: prev.id,
    status: run.status,
    workers: run.workers,
    wallMs: run.finished_at - run.started_at,
    taskTimeMs: total.s,
    attempts: total.n,
    counts: counts(run.id),
    previousCounts: counts(prev.id),
    previousWallMs: prev.finished_at - prev.started_at,
    tasks: tasks.map((t) => {
      const mine = attempts.filter((a) => a.task === t.task);
      const last = mine[mine.length - 1];
      const verify = last?.verify ? (JSON.parse(last.verify) as {exitCode: number}[]) : [];
      const verified = t.status === 'succeeded' && last?.outcome === 'ok' && verify.length > 0 && verify.every((v) => v.exitCode === 0);
      const after = mine.length > 1 ? ` after ${mine.length} attempts` : '';
      let statusText: string;
      if (t.status === 'succeeded') statusText = verified ? `succeeded, verified (${verify.length} check${verify.length === 1 ? '' : 's'} passed)${after}` : `completed, unverified${after}`;
      else if (t.status === 'failed') statusText = `failed: ${{verify_failed: 'verification failed', timeout: 'timed out', exit_nonzero: `exit code ${last?.exit_code}`}[last!.outcome as string]}${after}`;
      else if (t.status === 'upstream_failed') statusText = 'not run: a dependency failed';
      else if (t.status === 'skipped') statusText = t.reason === 'done-in-plan' ? 'skipped: done in the plan' : `skipped: ${t.reason}`;
      else statusText = t.status;
      return {id: t.task, title: t.title, status: t.status, statusText, attempts: mine.length, actualMs: mine.reduce((s, a) => s + (a.ms ?? 0), 0), verified};
    }),
  };
}

/** The rows of a Markdown table whose first cell is an inline-code task id: id → cells. */
function markdownTaskRows(md: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const start = md.indexOf('| Task | Title | Status |');
  for (const line of md.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('| `')) break;
    const cells = line.slice(2, -2).split(' | ');
    rows.set(cells[0]!.replace(/`/g, ''), cells);
  }
  return rows;
}

const unescape = (s: string): string => s.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').trim();

/** The cells of `<tr data-KEY="...">` rows of an HTML report: value → cells as text. */
function htmlRows(html: string, key: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const m of html.matchAll(new RegExp(`<tr data-${key}="([^"]*)">(.*?)</tr>`, 'g'))) {
    rows.set(unescape(m[1]!), [...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => unescape(c[1]!)));
  }
  return rows;
}

describe('paraplan report agrees with the store, row by row', () => {
  let runs: MixedRuns;
  let expected: Expected;
  let json: any;
  let md: string;
  let html: string;

  beforeAll(() => {
    runs = runMixedPlanTwice();
    const db = new Database(runs.db, {readonly: true});
    expected = recompute(db);
    db.close();
    const j = paraplan(['report', '--format', 'json', '--state', runs.stateDir], {cwd: runs.dir});
    expect(j.stderr).toBe('');
    expect(j.code).toBe(0);
    json = JSON.parse(j.stdout);
    const m = paraplan(['report', expected.runId, '--state', runs.stateDir, '-o', 'report.md'], {cwd: runs.dir});
    expect(m.code).toBe(0);
    md = readFileSync(join(runs.dir, 'report.md'), 'utf8');
    const h = paraplan(['report', '--format', 'html', '--state', runs.stateDir], {cwd: runs.dir});
    expect(h.code).toBe(0);
    html = h.stdout;
  });

  it('the run has every outcome the issue asks for', () => {
    expect(expected.counts).toMatchObject({succeeded: 3, failed: 2, upstream_failed: 1, skipped: 1});
    const by = new Map(expected.tasks.map((t) => [t.id, t]));
    expect(by.get('flaky')).toMatchObject({status: 'succeeded', attempts: 2});
    expect(by.get('lint')!.statusText).toBe('failed: verification failed');
    expect(by.get('slow')!.statusText).toBe('failed: timed out');
    expect(by.get('build')!.statusText).toBe('completed, unverified');
  });

  it('JSON: every count, duration and ratio equals the recomputation', () => {
    expect(json.schemaVersion).toBe(2);
    expect(json.time.sessions).toHaveLength(1);
    expect(json.time.idleMs).toBe(0);
    expect(json.run).toMatchObject({id: expected.runId, status: expected.status, workers: expected.workers});
    expect(json.summary.byStatus).toEqual(expected.counts);
    expect(json.summary.tasks).toBe(expected.tasks.length);
    expect(json.summary.attempts).toBe(expected.attempts);
    expect(json.summary.succeeded.verified).toBe(expected.tasks.filter((t) => t.verified).length);
    expect(json.summary.succeeded.unverified).toBe(expected.tasks.filter((t) => t.status === 'succeeded' && !t.verified).length);
    expect(json.time.wallMs).toBe(expected.wallMs);
    expect(json.time.taskTimeMs).toBe(expected.taskTimeMs);
    expect(json.time.speedup).toBeCloseTo(expected.taskTimeMs / expected.wallMs, 10);
    expect(json.time.parallelEfficiency).toBeCloseTo(expected.taskTimeMs / expected.wallMs / expected.workers, 10);
    expect(json.time.timeSavedMs).toBe(expected.taskTimeMs - expected.wallMs);
    expect(json.tasks.map((t: any) => [t.id, t.status, t.statusText, t.attempts.length, t.actualMs])).toEqual(expected.tasks.map((t) => [t.id, t.status, t.statusText, t.attempts, t.actualMs]));
    expect(json.summary.failures.map((f: any) => f.task)).toEqual(expected.tasks.filter((t) => t.status === 'failed').map((t) => t.id));
    expect(json.comparison.previousRun).toBe(expected.previousId);
    const row = (metric: string): any => json.comparison.rows.find((r: any) => r.metric === metric);
    expect(row('succeeded')).toMatchObject({before: expected.previousCounts['succeeded'], after: expected.counts['succeeded']});
    expect(row('failed')).toMatchObject({before: expected.previousCounts['failed'], after: expected.counts['failed']});
    expect(row('wall time')).toMatchObject({before: expected.previousWallMs, after: expected.wallMs});
    expect(json.comparison.changedTasks).toContainEqual({task: 'build', before: 'failed', after: 'succeeded'});
    expect(json.gantt.bars).toHaveLength(expected.attempts);
  });

  it('Markdown: the summary, the time figures and every task row match', () => {
    for (const s of STATUSES) {
      const label = {upstream_failed: 'upstream_failed (not run: a dependency failed)', retry_wait: 'waiting to retry'}[s] ?? s;
      expect(md).toContain(`| ${label} | ${expected.counts[s]} |`);
    }
    expect(md).toContain(`- Wall time: ${formatMs(expected.wallMs)}`);
    expect(md).toContain(`| Task time | ${formatMs(expected.taskTimeMs)} |`);
    expect(md).toContain(`| Measured speed-up | ${formatRatio(expected.taskTimeMs / expected.wallMs)} |`);
    expect(md).toContain(`| Parallel efficiency | ${formatPercent(expected.taskTimeMs / expected.wallMs / expected.workers)} |`);
    expect(md).toContain(`| Time saved by parallel work | ${formatMs(expected.taskTimeMs - expected.wallMs)} |`);
    const rows = markdownTaskRows(md);
    expect([...rows.keys()]).toEqual(expected.tasks.map((t) => t.id));
    for (const t of expected.tasks) {
      const [, , status, attempts, , actual] = rows.get(t.id)!;
      expect([status, attempts, actual]).toEqual([t.statusText, String(t.attempts), formatMs(t.actualMs)]);
    }
    expect(md).toContain(`| succeeded | ${expected.previousCounts['succeeded']} | ${expected.counts['succeeded']} |`);
    expect(md).toContain('```mermaid\ngantt');
    expect(md).not.toContain('100% ');
  });

  it('HTML: the state table and every task row match', () => {
    const states = htmlRows(html, 'status');
    for (const s of STATUSES) expect(states.get(s)![1]).toBe(String(expected.counts[s]));
    const rows = htmlRows(html, 'task');
    expect([...rows.keys()]).toEqual(expected.tasks.map((t) => t.id));
    for (const t of expected.tasks) {
      const [id, title, status, attempts, , actual] = rows.get(t.id)!;
      expect([id, title, status, attempts, actual]).toEqual([t.id, t.title, t.statusText, String(t.attempts), formatMs(t.actualMs)]);
    }
    expect(unescape(html)).toContain(`${formatMs(expected.wallMs)}wall time`);
    const timeCell = (measure: string): string | undefined => new RegExp(`<tr><td>${measure}</td><td class="n">([^<]*)</td>`).exec(html)?.[1];
    expect(timeCell('Wall time')).toBe(formatMs(expected.wallMs));
    expect(timeCell('Task time')).toBe(formatMs(expected.taskTimeMs));
    expect(timeCell('Measured speed-up')).toBe(formatRatio(expected.taskTimeMs / expected.wallMs));
    expect(timeCell('Parallel efficiency')).toBe(formatPercent(expected.taskTimeMs / expected.wallMs / expected.workers));
    expect(timeCell('Time saved by parallel work')).toBe(formatMs(expected.taskTimeMs - expected.wallMs));
  });

  it('writes acceptance records for succeeded tasks only, and saves the report for the plan document to link', () => {
    const r = paraplan(['report', '--state', runs.stateDir, '--acceptance-dir', 'docs', '-o', '-'], {cwd: runs.dir});
    expect(r.code).toBe(0);
    const files = readdirSync(join(runs.dir, 'docs')).sort();
    expect(files).toEqual(expected.tasks.filter((t) => t.status === 'succeeded').map((t) => `ACCEPTANCE_${t.id}.md`).sort());
    const setup = readFileSync(join(runs.dir, 'docs', 'ACCEPTANCE_setup.md'), 'utf8');
    expect(setup).toContain('- The setup script exits 0');
    expect(setup).toContain('- Result: exit code 0');
    expect(readFileSync(join(runs.dir, 'docs', 'ACCEPTANCE_build.md'), 'utf8')).toContain('completed, unverified');
    expect(existsSync(join(runs.stateDir, 'reports', `${expected.runId}.md`))).toBe(true);
  });

  it('reports a missing run or state folder as a user error', () => {
    const none = paraplan(['report', '--state', join(runs.dir, 'nowhere')], {cwd: runs.dir});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no runs found');
    const bad = paraplan(['report', 'r20990101-000000-zzzz', '--state', runs.stateDir], {cwd: runs.dir});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('there is no run r20990101-000000-zzzz');
  });
});
