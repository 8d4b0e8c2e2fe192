import {existsSync, readdirSync, readFileSync, realpathSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {runCli} from '../../src/cli/cli.js';
import {memoryIo} from '../../src/cli/io.js';
import {taskId, type Plan} from '../../src/model/index.js';
import {normalizePlan, parsePlanText} from '../../src/plan/index.js';
import {DB_FILE_NAME, sqliteStore, type RunStore} from '../../src/store/index.js';
import {mergeTrain, planVerifier} from '../../src/workspace/index.js';
import {startOpenAiServer, type FakeOpenAiServer} from '../helpers/openai-server.js';
import {gitRepo, sh, write} from '../workspace/git-rig.js';
import {FAKE_PATH} from './rig.js';

/**
 * Issue 5 acceptance: six agent tasks with dependencies, fake agent CLIs that edit files, `paraplan run -j 3`
 * through the real CLI and engine, each task in its own worktree, then the merge train into a target branch.
 */

const TASKS = `
tasks:
  - id: schema
    title: Create the schema
    AGENT_schema
    instructions: "@@write db/schema.sql create table t (id int);"
    verify: [[test, -f, db/schema.sql]]
  - id: docs
    title: Write the guide
    AGENT_docs
    instructions: "@@write docs/guide.md How to use it"
  - id: api
    title: Build the API
    AGENT_api
    needs: [schema]
    instructions: "@@require db/schema.sql\\n@@write src/api.txt api on the schema"
    verify: [[grep, -q, schema, src/api.txt]]
  - id: ui
    title: Build the UI
    AGENT_ui
    needs: [schema]
    instructions: "@@require db/schema.sql\\n@@write src/ui.txt ui"
  - id: cli
    title: Build the CLI
    AGENT_cli
    needs: [docs]
    instructions: "@@require docs/guide.md\\n@@write src/cli.txt cli"
  - id: release
    title: Release it
    AGENT_release
    needs: [api, ui, cli]
    instructions: "@@require src/api.txt\\n@@require src/ui.txt\\n@@require src/cli.txt\\n@@require docs/guide.md\\n@@write CHANGELOG.md release 1.0"
    verify: [[test, -f, CHANGELOG.md], [test, -f, db/schema.sql]]
verify: [[test, -f, db/schema.sql]]
`;
const ORDER = ['schema', 'docs', 'api', 'ui', 'cli', 'release'];

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function repoWithPlan(yaml: string): {dir: string; planFile: string; plan: Plan} {
  const r = gitRepo({'README.md': '# app\n'});
  cleanups.push(r.cleanup);
  const dir = realpathSync(r.dir);
  write(dir, {'plan.yaml': yaml});
  sh(dir, 'add', 'plan.yaml');
  sh(dir, 'commit', '-q', '-m', 'add the plan');
  sh(dir, 'branch', 'integration');
  const planFile = join(dir, 'plan.yaml');
  const plan = normalizePlan(parsePlanText(planFile, yaml, 'yaml')).plan!;
  return {dir, planFile, plan};
}

async function run(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{code: number; stderr: string; stdout: string}> {
  const io = memoryIo({cwd: dir, env: {PATH: FAKE_PATH, HOME: process.env['HOME'], PARAPLAN_BACKOFF_MS: '10', ...env}});
  const code = await runCli(args, '0.0.0-test', io);
  return {code, stderr: io.stderr(), stdout: io.stdout()};
}

function openRunStore(dir: string): RunStore {
  const store = sqliteStore(join(dir, '.paraplan', DB_FILE_NAME), {host: 'test'});
  cleanups.unshift(() => store.close());
  return store;
}

function taskBranches(dir: string): Map<string, string> {
  const refs = sh(dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads/paraplan/').split('\n').filter((r) => r);
  return new Map(refs.map((r) => [r.split('/').pop()!, r]));
}

describe('acceptance: agent tasks in worktrees, merged in order', () => {
  it('runs 6 agent tasks with -j 3, each in its own worktree on its own committed branch, then merges them in order and reports a planted conflict', async () => {
    const agents: Record<string, string> = {schema: 'claude', docs: 'opencode', api: 'codex', ui: 'gemini', cli: 'aider', release: 'claude'};
    const yaml = `name: acceptance\nconcurrency: 3\npools: {agent: 3}\n${Object.entries(agents).reduce((y, [id, a]) => y.replace(`AGENT_${id}`, `agent: ${a}`), TASKS)}`;
    const {dir, plan} = repoWithPlan(yaml);
    const head = sh(dir, 'rev-parse', 'HEAD');

    const result = await run(dir, ['run', join(dir, 'plan.yaml'), '-j', '3']);
    expect(result.stderr).not.toMatch(/internal error/i);
    expect(result.code, result.stderr).toBe(0);

    const store = openRunStore(dir);
    const latest = (await store.latestRun())!;
    expect(latest.status).toBe('succeeded');
    const tasks = await store.tasks(latest.id);
    expect(tasks.map((t) => [t.task, t.status]).sort()).toEqual(ORDER.map((id) => [id, 'succeeded']).sort());

    // Own branch per task, named paraplan/<run>/<task>, each with the task's commit on it.
    const branches = taskBranches(dir);
    expect([...branches.keys()].sort()).toEqual([...ORDER].sort());
    for (const [id, branch] of branches) {
      expect(branch).toBe(`paraplan/${latest.id}/${id}`);
      expect(sh(dir, 'log', '-1', '--format=%B', branch)).toContain(`Paraplan-Task: ${id}`);
    }
    const attempts = await store.attempts(latest.id);
    for (const a of attempts) {
      expect(a.outcome, a.task).toBe('ok');
      expect(a.changes?.commits.length, a.task).toBe(1);
      expect(a.changes?.filesChanged, a.task).toBe(1);
      expect(a.usage, a.task).toBeDefined();
    }
    // Dependents saw upstream work: release's branch holds everything (its @@require lines would have failed).
    expect(sh(dir, 'ls-tree', '-r', '--name-only', branches.get('release')!).split('\n').sort()).toEqual(
      ['CHANGELOG.md', 'README.md', 'db/schema.sql', 'docs/guide.md', 'plan.yaml', 'src/api.txt', 'src/cli.txt', 'src/ui.txt'].sort(),
    );
    // Succeeded worktrees were removed; the user's checkout never moved.
    expect(sh(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(sh(dir, 'rev-parse', 'HEAD')).toBe(head);
    expect(sh(dir, 'status', '--porcelain')).toBe('');

    // Plant a conflict: the target gets its own src/api.txt, which the api task also created.
    sh(dir, 'switch', '-q', 'integration');
    write(dir, {'src/api.txt': 'a different api\n'});
    sh(dir, 'add', 'src/api.txt');
    sh(dir, 'commit', '-q', '-m', 'someone else wrote the api');
    sh(dir, 'switch', '-q', 'main');
    const before = sh(dir, 'rev-parse', 'integration');
    const train = ORDER.map((id) => ({task: id, branch: branches.get(id)!, title: plan.tasks.get(taskId(id))!.title}));
    const conflicted = await mergeTrain({repo: dir, target: 'integration', branches: train, verify: planVerifier(plan.verify)});
    expect(conflicted.status).toBe('conflict');
    if (conflicted.status !== 'conflict') return;
    expect(conflicted.conflict).toMatchObject({task: 'api', files: ['src/api.txt'], tasks: ['api', 'target']});
    expect(conflicted.predicted).toContainEqual({tasks: ['target', 'api'], files: ['src/api.txt']});
    expect(conflicted.steps.map((s) => s.task)).toEqual(['schema', 'docs']);
    // The target holds exactly the merges before the conflict, and no conflict markers anywhere.
    expect(sh(dir, 'rev-list', '--first-parent', `${before}..integration`).split('\n')).toHaveLength(2);
    expect(sh(dir, 'show', 'integration:src/api.txt')).toBe('a different api');
    expect(() => sh(dir, 'grep', '-q', '<<<<<<<', 'integration')).toThrow(); // git grep exits 1: no match
    expect(sh(dir, 'status', '--porcelain')).toBe('');

    // The CLI reports the same conflict as a state, exit 1.
    const cliConflict = await run(dir, ['merge', '--into', 'integration', '--plan', join(dir, 'plan.yaml'), '--json']);
    expect(cliConflict.code).toBe(1);
    expect(JSON.parse(cliConflict.stdout)).toMatchObject({run: latest.id, status: 'conflict', conflict: {task: 'api', files: ['src/api.txt'], tasks: ['api', 'target']}, notMerged: []});

    // Without the planted change, the whole train merges in dependency order, verified after each merge.
    sh(dir, 'branch', 'clean-target', head);
    const merged = await run(dir, ['merge', latest.id, '--into', 'clean-target', '--plan', join(dir, 'plan.yaml')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/^Merged 6 task branches of run r\S+ into clean-target/);
    expect(sh(dir, 'log', '--format=%s', '--first-parent', `${head}..clean-target`).split('\n').reverse()).toEqual(ORDER.map((id) => `merge(${id}): ${plan.tasks.get(taskId(id))!.title}`));
    expect(readdirSync(dir).includes('CHANGELOG.md')).toBe(false);
  });

  it('lets verification decide: an agent that says it succeeded but fails verify fails its task, and its worktree is kept', async () => {
    const yaml = `name: verify\ntasks:\n  - {id: a, agent: claude, instructions: '@@write a.txt wrong', verify: [[grep, -q, right, a.txt]]}\n  - {id: b, agent: claude, needs: [a], instructions: '@@write b.txt b'}\n`;
    const {dir} = repoWithPlan(yaml);
    const result = await run(dir, ['run', join(dir, 'plan.yaml')]);
    expect(result.code).toBe(1);
    const store = openRunStore(dir);
    const latest = (await store.latestRun())!;
    const tasks = new Map((await store.tasks(latest.id)).map((t) => [t.task as string, t.status]));
    expect(tasks.get('a')).toBe('failed');
    expect(tasks.get('b')).toBe('upstream_failed');
    expect(existsSync(join(dir, '.paraplan/worktrees', latest.id, 'a', 'a.txt'))).toBe(true);
    const cleaned = await run(dir, ['clean', latest.id, '--plan', join(dir, 'plan.yaml'), '--branches', '--json']);
    expect(JSON.parse(cleaned.stdout)).toEqual({dryRun: false, worktrees: [join(dir, '.paraplan/worktrees', latest.id, 'a')], branches: [`paraplan/${latest.id}/a`]});
    expect(sh(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
    expect(sh(dir, 'branch', '--list', 'paraplan/*')).toBe('');
  });
});

describe('acceptance: the same plan against an OpenAI-compatible API', () => {
  const KEY = 'sk-or-v1-acceptance-key';
  let server: FakeOpenAiServer;
  beforeAll(async () => {
    server = await startOpenAiServer({apiKey: KEY});
  });
  afterAll(() => server.close());

  it('runs the 6 tasks with the llm executor, saves each answer in its worktree and records tokens and cost per task', async () => {
    const files: Record<string, string> = {schema: 'db/schema.sql', docs: 'docs/guide.md', api: 'src/api.txt', ui: 'src/ui.txt', cli: 'src/cli.txt', release: 'CHANGELOG.md'};
    const body = Object.entries(files).reduce((y, [id, f]) => y.replace(`AGENT_${id}`, `agent: api\n    output: ${f}`), TASKS.replace(/instructions: "[^\n]*"/g, (m) => `instructions: "@@answer ${m.includes('schema.sql create') ? 'create table t (id int);' : 'answer with schema words'}"`));
    const yaml = `name: llm-acceptance\nconcurrency: 3\npools: {agent: 3}\nexecutors:\n  api: {kind: llm, baseURL: '${server.url}', model: fake/echo}\n${body}`;
    const {dir, plan} = repoWithPlan(yaml);
    const result = await run(dir, ['run', join(dir, 'plan.yaml'), '-j', '3'], {OPENROUTER_API_KEY: KEY});
    expect(result.code, result.stderr).toBe(0);
    const store = openRunStore(dir);
    const latest = (await store.latestRun())!;
    const attempts = await store.attempts(latest.id);
    expect(attempts).toHaveLength(6);
    for (const a of attempts) {
      expect(a.outcome, a.task).toBe('ok');
      expect(a.usage?.inputTokens, a.task).toBeGreaterThan(0);
      expect(a.usage?.outputTokens, a.task).toBeGreaterThan(0);
      expect(a.usage?.costUsd, a.task).toBeGreaterThan(0);
      expect(a.usage?.model, a.task).toBe('fake/echo');
      expect(a.changes?.filesChanged, a.task).toBe(1);
    }
    // Dependents get upstream results in their prompt, and their worktree holds upstream files.
    const releasePrompt = server.requests.map((r) => (r.body['messages'] as {content: string}[])[0]!.content).find((p) => p.startsWith('# Task release'))!;
    expect(releasePrompt).toContain('### api: Build the API\n\nanswer with schema words');
    const branches = taskBranches(dir);
    expect(sh(dir, 'show', `${branches.get('release')!}:db/schema.sql`)).toBe('create table t (id int);');
    expect(readFileSync(join(dir, '.paraplan', DB_FILE_NAME)).includes(Buffer.from(KEY))).toBe(false);
    const merged = await mergeTrain({repo: dir, target: 'integration', branches: ORDER.map((id) => ({task: id, branch: branches.get(id)!})), verify: planVerifier(plan.verify)});
    expect(merged.status).toBe('merged');
  });
});
