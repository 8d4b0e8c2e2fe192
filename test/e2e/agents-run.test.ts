import {existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../../src/cli/cli.js';
import {memoryIo} from '../../src/cli/io.js';
import {DB_FILE_NAME, sqliteStore, type RunStore} from '../../src/store/index.js';
import {FAKE_PATH, tempDir} from '../agents/rig.js';
import {startOpenAiServer, type FakeOpenAiServer} from '../helpers/openai-server.js';
import {gitRepo, sh, write} from '../workspace/git-rig.js';

/**
 * Issue 5 through `paraplan run`: agent tasks in their own worktrees, upstream work passed through a gate, the
 * worktree and changes recorded in the store, `run --merge`, the saved report and acceptance records, preflight
 * of the repository, budgets, file overlap and secrets. test/agents/acceptance.test.ts covers the merge train itself.
 */

// Six agent tasks; `backend` is a gate, so `release` sees api and ui only through it. `notes` fails its verify.
const TASKS = `
tasks:
  - {id: schema, title: Create the schema, AGENT, instructions: "@@write db/schema.sql create table t (id int);", verify: [[test, -f, db/schema.sql]]}
  - {id: docs, title: Write the guide, AGENT, instructions: "@@write docs/guide.md How to use it"}
  - {id: api, title: Build the API, AGENT, needs: [schema], instructions: "@@require db/schema.sql\\n@@write src/api.txt api on the schema", verify: [[grep, -q, schema, src/api.txt]]}
  - {id: ui, title: Build the UI, AGENT, needs: [schema], instructions: "@@require db/schema.sql\\n@@write src/ui.txt ui"}
  - {id: backend, title: Backend done, gate: true, needs: [api, ui]}
  - {id: release, title: Release it, AGENT, needs: [backend, docs], instructions: "@@require src/api.txt\\n@@require src/ui.txt\\n@@require docs/guide.md\\n@@write CHANGELOG.md release 1.0", verify: [[test, -f, db/schema.sql]]}
  - {id: notes, title: Write notes, AGENT, instructions: "@@write notes.txt wrong", verify: [[grep, -q, right, notes.txt]]}
`;
const AGENT_TASKS = ['schema', 'docs', 'api', 'ui', 'release', 'notes'];
const MERGED = ['schema', 'docs', 'api', 'ui', 'release'];

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A repository with the plan committed in `sub` ('' for the root) and a branch `planted` off main. */
function repoWithPlan(yaml: string, sub = ''): {dir: string; planFile: string; head: string} {
  const r = gitRepo({'README.md': '# app\n'});
  cleanups.push(r.cleanup);
  const dir = realpathSync(r.dir);
  const planFile = join(dir, sub, 'plan.yaml');
  write(dir, {[join(sub, 'plan.yaml')]: yaml});
  sh(dir, 'add', '-A');
  sh(dir, 'commit', '-q', '-m', 'add the plan');
  return {dir, planFile, head: sh(dir, 'rev-parse', 'HEAD')};
}

async function cli(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{code: number; stderr: string; stdout: string}> {
  const io = memoryIo({cwd: dir, env: {PATH: FAKE_PATH, HOME: process.env['HOME'], PARAPLAN_BACKOFF_MS: '10', ...env}});
  const code = await runCli(args, '0.0.0-test', io);
  return {code, stderr: io.stderr(), stdout: io.stdout()};
}

function openStore(stateDir: string): RunStore {
  const store = sqliteStore(join(stateDir, DB_FILE_NAME), {host: 'test'});
  cleanups.unshift(() => store.close());
  return store;
}

/** Every file below `dir`, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

describe('paraplan run with agents and git', () => {
  it('runs 6 agent tasks with -j 3 in their own worktrees, records branches and changes, merges with --merge, keeps the failed worktree', async () => {
    const {dir, planFile, head} = repoWithPlan(`name: agents\nconcurrency: 3\npools: {agent: 3}\n${TASKS.replaceAll('AGENT', 'agent: claude')}`);
    sh(dir, 'branch', 'main-integration');
    const acceptTemp = tempDir('paraplan-accept-');
    cleanups.push(acceptTemp.cleanup);
    const accept = join(acceptTemp.dir, 'records');

    const result = await cli(dir, ['run', planFile, '-j', '3', '--merge', 'main-integration', '--acceptance-dir', accept]);
    expect(result.stderr).not.toMatch(/internal error/i);
    // notes failed its verification: the run failed, but the verified branches were merged.
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/Merged 5 task branches of run r\S+ into main-integration/);
    expect(result.stderr).toContain('wrote 6 acceptance records');

    const store = openStore(join(dir, '.paraplan'));
    const run = (await store.latestRun())!;
    const status = new Map((await store.tasks(run.id)).map((t) => [t.task as string, t.status]));
    expect(Object.fromEntries(status)).toEqual({schema: 'succeeded', docs: 'succeeded', api: 'succeeded', ui: 'succeeded', backend: 'succeeded', release: 'succeeded', notes: 'failed'});

    // Each attempt's worktree (its own path), branch and changes are in the store.
    const attempts = await store.attempts(run.id);
    expect(attempts.map((a) => a.task as string).sort()).toEqual([...AGENT_TASKS].sort());
    const paths = attempts.map((a) => a.worktree?.path);
    expect(new Set(paths).size).toBe(AGENT_TASKS.length);
    for (const a of attempts) {
      expect(a.worktree, a.task).toMatchObject({path: join(dir, '.paraplan/worktrees', run.id, a.task), branch: `paraplan/${run.id}/${a.task}`});
      expect(a.worktree!.base).toMatch(/^[0-9a-f]{40}$/);
      expect(a.changes?.commits, a.task).toEqual([sh(dir, 'rev-parse', a.worktree!.branch)]);
      expect(a.changes, a.task).toMatchObject({filesChanged: 1, insertions: 1, deletions: 0});
      expect(a.usage?.costUsd, a.task).toBeGreaterThan(0);
    }
    // release saw api and ui through the gate: its @@require lines passed and its base holds their work.
    const release = attempts.find((a) => a.task === 'release')!;
    expect(sh(dir, 'ls-tree', '-r', '--name-only', release.worktree!.base).split('\n').sort()).toEqual(
      ['README.md', 'db/schema.sql', 'docs/guide.md', 'plan.yaml', 'src/api.txt', 'src/ui.txt'].sort(),
    );

    // Verification decided: notes' worktree is kept for inspection, the others are gone.
    expect(existsSync(join(dir, '.paraplan/worktrees', run.id, 'notes', 'notes.txt'))).toBe(true);
    expect(readdirSync(join(dir, '.paraplan/worktrees', run.id))).toEqual(['notes']);

    // Merged in dependency order; the user's checkout did not move.
    expect(sh(dir, 'log', '--format=%s', '--first-parent', `${head}..main-integration`).split('\n').reverse()).toEqual(MERGED.map((id) => expect.stringMatching(new RegExp(`^merge\\(${id}\\): `))));
    expect(sh(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(dir, 'status', '--porcelain')).toBe('');

    // The report was saved, and an acceptance record written per succeeded agent task.
    expect(existsSync(join(dir, '.paraplan/reports', `${run.id}.md`))).toBe(true);
    expect(readdirSync(accept).length).toBe(6); // the gate too

    // A planted conflict: the target has its own src/api.txt. `merge` names the files and tasks; the target keeps
    // only the clean merges before it, no conflict markers, and the checkout is untouched.
    sh(dir, 'branch', 'planted', head);
    sh(dir, 'switch', '-q', 'planted');
    write(dir, {'src/api.txt': 'a different api\n'});
    sh(dir, 'add', 'src/api.txt');
    sh(dir, 'commit', '-q', '-m', 'someone else wrote the api');
    sh(dir, 'switch', '-q', 'main');
    const before = sh(dir, 'rev-parse', 'planted');
    const conflicted = await cli(dir, ['merge', '--into', 'planted', '--plan', planFile]);
    expect(conflicted.code).toBe(1);
    expect(conflicted.stderr).toContain('src/api.txt');
    expect(conflicted.stderr).toContain('api');
    expect(conflicted.stderr).toMatch(/notes: not merged, failed/);
    expect(sh(dir, 'rev-list', '--first-parent', `${before}..planted`).split('\n')).toHaveLength(2);
    expect(sh(dir, 'show', 'planted:src/api.txt')).toBe('a different api');
    expect(() => sh(dir, 'grep', '-q', '<<<<<<<', 'planted')).toThrow();
    expect(sh(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(dir, 'status', '--porcelain')).toBe('');
  });

  it('run --merge reports a conflict with exit code 1 even when every task succeeded', async () => {
    const {dir, planFile, head} = repoWithPlan(`name: conflict\ntasks:\n  - {id: a, agent: claude, instructions: '@@write a.txt mine'}\n`);
    sh(dir, 'switch', '-q', '-c', 'target');
    write(dir, {'a.txt': 'theirs\n'});
    sh(dir, 'add', 'a.txt');
    sh(dir, 'commit', '-q', '-m', 'theirs');
    sh(dir, 'switch', '-q', 'main');
    const target = sh(dir, 'rev-parse', 'target');
    const result = await cli(dir, ['run', planFile, '--merge', 'target']);
    expect(result.stdout).toMatch(/run r\S+ succeeded/);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/conflict/i);
    expect(result.stderr).toContain('a.txt');
    expect(sh(dir, 'rev-parse', 'target')).toBe(target);
    expect(sh(dir, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('starts worktree tasks in the plan folder inside the worktree, plus the task cwd', async () => {
    const {dir, planFile} = repoWithPlan(`name: sub\ntasks:\n  - {id: w, workspace: worktree, cwd: out, run: {shell: 'pwd > where.txt'}}\n`, 'tools/plans');
    mkdirSync(join(dir, 'tools/plans/out'), {recursive: true});
    write(dir, {'tools/plans/out/.keep': ''});
    sh(dir, 'add', '-A');
    sh(dir, 'commit', '-q', '-m', 'out');
    const result = await cli(dir, ['run', planFile]);
    expect(result.code, result.stderr).toBe(0);
    const store = openStore(join(dir, 'tools/plans/.paraplan'));
    const [attempt] = await store.attempts((await store.latestRun())!.id);
    expect(sh(dir, 'show', `${attempt!.worktree!.branch}:tools/plans/out/where.txt`)).toBe(join(attempt!.worktree!.path, 'tools/plans/out'));
  });

  it('refuses worktree tasks outside a git repository, or in one without commits, before anything runs', async () => {
    const yaml = `name: nogit\ntasks:\n  - {id: a, agent: claude, instructions: '@@write a.txt a'}\n  - {id: b, agent: claude, instructions: '@@write b.txt b'}\n`;
    const plain = tempDir('paraplan-nogit-');
    cleanups.push(plain.cleanup);
    write(plain.dir, {'plan.yaml': yaml});
    const outside = await cli(plain.dir, ['run', join(plain.dir, 'plan.yaml')]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/task "a" asks for its own git worktree.*not inside a git repository/);
    expect(outside.stderr).toMatch(/task "b" asks for its own git worktree/);
    expect(outside.stderr).toContain('nothing was run');
    expect(existsSync(join(plain.dir, 'a.txt'))).toBe(false);

    const empty = tempDir('paraplan-nocommit-');
    cleanups.push(empty.cleanup);
    sh(empty.dir, 'init', '-q');
    write(empty.dir, {'plan.yaml': yaml});
    const uncommitted = await cli(empty.dir, ['run', join(empty.dir, 'plan.yaml')]);
    expect(uncommitted.code).toBe(2);
    expect(uncommitted.stderr).toMatch(/task "a" .*has no commit/);
    expect(uncommitted.stderr).toMatch(/task "b" .*has no commit/);
  });

  it('stops starting work once the run budget is spent: the rest is cancelled with the reason, the run fails', async () => {
    const tasks = ['a', 'b', 'c'].map((id) => `  - {id: ${id}, agent: claude, instructions: "@@cost 0.3\\n@@write ${id}.txt ${id}"}`).join('\n');
    const {dir, planFile} = repoWithPlan(`name: budget\nbudget: {usd: 0.5}\ntasks:\n${tasks}\n`);
    const result = await cli(dir, ['run', planFile, '-j', '1']);
    expect(result.code).toBe(1);
    const store = openStore(join(dir, '.paraplan'));
    const run = (await store.latestRun())!;
    expect(run.status).toBe('failed');
    const tasksAfter = await store.tasks(run.id);
    expect(tasksAfter.filter((t) => t.status === 'succeeded')).toHaveLength(2);
    const stopped = tasksAfter.find((t) => t.status === 'cancelled')!;
    expect(stopped).toMatchObject({reason: 'budget-exceeded'});
    expect(stopped.message).toMatch(/not started: budget exceeded: spent \$0\.6000 of \$0\.5/);
    const events = await store.events(run.id);
    expect(events.at(-1)).toMatchObject({type: 'run', reason: 'finished', status: 'failed', message: expect.stringMatching(/budget exceeded/)});
  });

  it('does not run tasks whose files overlap at the same time', async () => {
    const slow = (id: string, files: string): string => `  - {id: ${id}, files: [${files}], run: {shell: 'sleep 0.3'}}`;
    const {dir, planFile} = repoWithPlan(`name: overlap\ntasks:\n${slow('a', "'src/**'")}\n${slow('b', 'src/x.ts')}\n${slow('c', 'docs/**')}\n`);
    const result = await cli(dir, ['run', planFile, '-j', '3']);
    expect(result.code, result.stderr).toBe(0);
    const store = openStore(join(dir, '.paraplan'));
    const attempts = new Map((await store.attempts((await store.latestRun())!.id)).map((a) => [a.task as string, a]));
    const a = attempts.get('a')!;
    const b = attempts.get('b')!;
    const c = attempts.get('c')!;
    expect(a.finishedAt! <= b.startedAt || b.finishedAt! <= a.startedAt).toBe(true);
    // c shares no files: it ran alongside.
    expect(c.startedAt).toBeLessThan(Math.max(a.finishedAt!, b.finishedAt!));
  });
});

describe('paraplan run with the llm executor', () => {
  const KEY = 'sk-or-v1-e2e-secret-key';
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startOpenAiServer({apiKey: KEY});
  });
  afterAll(() => server.close());

  it('records tokens and cost per task, shows them in report --format json, and the key is nowhere in .paraplan', async () => {
    const files: Record<string, string> = {schema: 'db/schema.sql', docs: 'docs/guide.md', api: 'src/api.txt', ui: 'src/ui.txt', release: 'CHANGELOG.md', notes: 'notes.txt'};
    let body = TASKS.replace(/instructions: "[^"]*"/g, (m) => `instructions: "@@answer ${m.includes('schema.sql create') ? 'create table t (id int);' : 'answer with schema words'}"`);
    for (const [id, f] of Object.entries(files)) body = body.replace(new RegExp(`(\\{id: ${id}, [^}]*?)AGENT`), `$1agent: api, output: ${f}`);
    // A shell task that prints the key: its log, the store and the report must not show it.
    body += `  - {id: leak, run: {shell: 'echo "the key is $OPENROUTER_API_KEY"; exit 3'}}\n`;
    const yaml = `name: llm\nconcurrency: 3\npools: {agent: 3}\nexecutors:\n  api: {kind: llm, baseURL: '${server.url}', model: fake/echo}\n${body}`;
    const {dir, planFile} = repoWithPlan(yaml);
    const result = await cli(dir, ['run', planFile, '-j', '3'], {OPENROUTER_API_KEY: KEY});
    expect(result.stderr).not.toMatch(/internal error/i);
    expect(result.code).toBe(1);
    expect(result.stderr + result.stdout).not.toContain(KEY);

    const store = openStore(join(dir, '.paraplan'));
    const run = (await store.latestRun())!;
    const status = new Map((await store.tasks(run.id)).map((t) => [t.task as string, t.status]));
    expect(status.get('release')).toBe('succeeded');
    expect(status.get('notes')).toBe('failed');
    expect(status.get('leak')).toBe('failed');
    for (const a of (await store.attempts(run.id)).filter((x) => x.task !== 'leak')) {
      expect(a.usage, a.task).toMatchObject({model: 'fake/echo', inputTokens: expect.any(Number), outputTokens: expect.any(Number), costUsd: expect.any(Number)});
      expect(a.usage!.costUsd, a.task).toBeGreaterThan(0);
      expect(a.worktree?.branch, a.task).toBe(`paraplan/${run.id}/${a.task}`);
    }

    const report = await cli(dir, ['report', '--format', 'json']);
    expect(report.code, report.stderr).toBe(0);
    const json = JSON.parse(report.stdout) as {summary: {usage: {costUsd: number; attemptsWithUsage: number}}; tasks: {id: string; usage: {costUsd: number; inputTokens: number} | null}[]};
    expect(json.summary.usage.attemptsWithUsage).toBe(6);
    expect(json.summary.usage.costUsd).toBeGreaterThan(0);
    for (const t of json.tasks.filter((x) => Object.keys(files).includes(x.id))) {
      expect(t.usage?.costUsd, t.id).toBeGreaterThan(0);
      expect(t.usage?.inputTokens, t.id).toBeGreaterThan(0);
    }
    expect(report.stdout).not.toContain(KEY);
    expect(report.stdout).toContain('the key is ***');

    // Every file of the state folder: the database, logs, saved reports.
    const stateFiles = allFiles(join(dir, '.paraplan')).filter((f) => !f.includes(`${join('.paraplan', 'worktrees')}`));
    expect(stateFiles.some((f) => f.endsWith('.log'))).toBe(true);
    expect(stateFiles.some((f) => f.includes(join('.paraplan', 'reports')))).toBe(true);
    for (const f of stateFiles) expect(readFileSync(f).includes(Buffer.from(KEY)), f).toBe(false);
  });
});
