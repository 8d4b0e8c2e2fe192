import {existsSync, readFileSync, realpathSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runId, taskId, type Plan, type TaskId} from '../../src/model/index.js';
import {gitWorktreeProvider, WorkspaceError, type TaskWorkspace} from '../../src/workspace/index.js';
import {gitRepo, planFrom, sh, write} from './git-rig.js';

const RUN = runId('r20260101-120000-abcd');
const signal = new AbortController().signal;
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function repo(files?: Record<string, string>): string {
  const r = gitRepo(files);
  cleanups.push(r.cleanup);
  return realpathSync(r.dir);
}

const PLAN = `
name: ws
defaults: {executor: claude}
tasks:
  - {id: a, title: Write A}
  - {id: b, title: Write B}
  - {id: c, title: Combine them, needs: [a, b]}
  - {id: d, title: Depends on c, needs: [c]}
`;

function task(plan: Plan, id: string) {
  return plan.tasks.get(taskId(id))!;
}

describe('git worktree provider', () => {
  it('creates one worktree per task on its own branch under .paraplan/worktrees/<run>/<task>, hidden from git status', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    const wb = await provider.prepare({run: RUN, plan, task: task(plan, 'b'), upstream: [], signal});
    expect(wa.path).toBe(join(dir, '.paraplan/worktrees', RUN, 'a'));
    expect(wa.branch).toBe(`paraplan/${RUN}/a`);
    expect(sh(wa.path, 'branch', '--show-current')).toBe(`paraplan/${RUN}/a`);
    expect(wa.base).toBe(sh(dir, 'rev-parse', 'HEAD'));
    expect([wa.index, wb.index]).toEqual([0, 1]);
    expect(sh(dir, 'status', '--porcelain')).toBe('');
    expect(sh(dir, 'branch', '--show-current')).toBe('main');
  });

  it('starts a dependent task from the merge of its upstream branches, so it sees their committed work', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    const wb = await provider.prepare({run: RUN, plan, task: task(plan, 'b'), upstream: [], signal});
    write(wa.path, {'a.txt': 'from a\n'});
    write(wb.path, {'b.txt': 'from b\n', 'README.md': '# test\nedited by b\n'});
    const ca = await provider.commit({run: RUN, task: task(plan, 'a'), workspace: wa, attempt: 1});
    const cb = await provider.commit({run: RUN, task: task(plan, 'b'), workspace: wb, attempt: 1});
    expect(ca).toMatchObject({filesChanged: 1, insertions: 1, deletions: 0, files: ['a.txt']});
    expect(ca.commits).toHaveLength(1);
    expect(cb).toMatchObject({filesChanged: 2, insertions: 2, deletions: 0});
    expect(sh(wa.path, 'log', '-1', '--format=%s%n%b')).toContain('chore(a): Write A');
    expect(sh(wa.path, 'log', '-1', '--format=%b')).toContain(`Paraplan-Run: ${RUN}`);

    const wc = await provider.prepare({run: RUN, plan, task: task(plan, 'c'), upstream: [{task: taskId('a'), branch: wa.branch}, {task: taskId('b'), branch: wb.branch}], signal});
    expect(readFileSync(join(wc.path, 'a.txt'), 'utf8')).toBe('from a\n');
    expect(readFileSync(join(wc.path, 'b.txt'), 'utf8')).toBe('from b\n');
    expect(sh(dir, 'rev-list', '--parents', '-1', wc.base).split(' ')).toHaveLength(3);

    write(wc.path, {'c.txt': 'c\n'});
    await provider.commit({run: RUN, task: task(plan, 'c'), workspace: wc, attempt: 1});
    // d's only upstream is c, whose branch already contains a and b: no extra merge commit.
    const wd = await provider.prepare({run: RUN, plan, task: task(plan, 'd'), upstream: [{task: taskId('c'), branch: wc.branch}, {task: taskId('a'), branch: wa.branch}], signal});
    expect(wd.base).toBe(sh(dir, 'rev-parse', wc.branch));
    expect(existsSync(join(wd.path, 'c.txt'))).toBe(true);
  });

  it('records no commit when the task changed nothing', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    expect(await provider.commit({run: RUN, task: task(plan, 'a'), workspace: wa, attempt: 1})).toEqual({commits: [], filesChanged: 0, insertions: 0, deletions: 0, files: []});
  });

  it('counts deletions and commits the agent made itself', async () => {
    const dir = repo({'README.md': 'one\ntwo\nthree\n'});
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    write(wa.path, {'x.txt': 'x\n'});
    sh(wa.path, 'add', 'x.txt');
    sh(wa.path, 'commit', '-q', '-m', 'agent commit');
    write(wa.path, {'README.md': 'one\n'});
    const changes = await provider.commit({run: RUN, task: task(plan, 'a'), workspace: wa, attempt: 2});
    expect(changes.commits).toHaveLength(2);
    expect(changes).toMatchObject({filesChanged: 2, insertions: 1, deletions: 2});
  });

  it('removes a released worktree but keeps its branch, and keeps it when asked', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    const wb = await provider.prepare({run: RUN, plan, task: task(plan, 'b'), upstream: [], signal});
    await provider.release(wa, {keep: false});
    await provider.release(wb, {keep: true});
    expect(existsSync(wa.path)).toBe(false);
    expect(existsSync(wb.path)).toBe(true);
    expect(sh(dir, 'branch', '--list', wa.branch)).toContain(wa.branch);
    // The freed index is reused, so per-worktree ports stay small.
    const wc = await provider.prepare({run: RUN, plan, task: task(plan, 'c'), upstream: [], signal});
    expect(wc.index).toBe(0);
  });

  it('copies listed ignored files, runs the setup command with the worktree index, and never commits the copies', async () => {
    const dir = repo({'.gitignore': '.env\nnode_modules/\n', 'README.md': 'x\n'});
    write(dir, {'.env': 'SECRET=1\n', 'node_modules/dep/index.js': 'module.exports = 1\n'});
    const plan = planFrom(dir, `${PLAN}\nworkspace:\n  copy: [.env, missing.txt]\n  link: node_modules\n  setup: {shell: 'echo "port $((3000 + PARAPLAN_WORKTREE_INDEX))" > port.txt'}\n`);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    expect(readFileSync(join(wa.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(readFileSync(join(wa.path, 'node_modules/dep/index.js'), 'utf8')).toContain('module.exports');
    expect(readFileSync(join(wa.path, 'port.txt'), 'utf8')).toBe('port 3000\n');
    const changes = await provider.commit({run: RUN, task: task(plan, 'a'), workspace: wa, attempt: 1});
    expect(changes.files).toEqual(['port.txt']);
  });

  it('fails preparation with setup-failed and the output when the setup command fails', async () => {
    const dir = repo();
    const plan = planFrom(dir, `${PLAN}\nworkspace:\n  setup: {shell: 'echo nope; exit 3'}\n`);
    const provider = gitWorktreeProvider();
    const error = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkspaceError);
    expect(error).toMatchObject({reason: 'setup-failed', details: {outputTail: 'nope\n', exitCode: 3}});
    expect((error as Error).message).toContain('exit code 3');
  });

  it('names branches from a template like fix/{id}-{slug}', async () => {
    const dir = repo();
    const plan = planFrom(dir, `name: t\ndefaults: {executor: claude}\nworkspace: {branch: 'fix/{id}-{slug}'}\ntasks:\n  - {id: 'Y1:A.4', title: 'Fix the DB pool (urgent!)'}\n`);
    const provider = gitWorktreeProvider();
    const w = await provider.prepare({run: RUN, plan, task: task(plan, 'Y1:A.4'), upstream: [], signal});
    expect(w.branch).toBe('fix/Y1-A.4-fix-the-db-pool-urgent');
  });

  it('reports upstream branches that conflict with each other as upstream-conflict with the files', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const wa = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    const wb = await provider.prepare({run: RUN, plan, task: task(plan, 'b'), upstream: [], signal});
    write(wa.path, {'README.md': 'a version\n'});
    write(wb.path, {'README.md': 'b version\n'});
    await provider.commit({run: RUN, task: task(plan, 'a'), workspace: wa, attempt: 1});
    await provider.commit({run: RUN, task: task(plan, 'b'), workspace: wb, attempt: 1});
    const error = await provider
      .prepare({run: RUN, plan, task: task(plan, 'c'), upstream: [{task: taskId('a'), branch: wa.branch}, {task: taskId('b'), branch: wb.branch}], signal})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({reason: 'upstream-conflict', details: {files: ['README.md']}});
  });

  it('prepares and commits many worktrees at once without tripping over index.lock', async () => {
    const dir = repo();
    const ids = Array.from({length: 10}, (_, i) => `t${i}`);
    const plan = planFrom(dir, `name: many\ndefaults: {executor: claude}\ntasks:\n${ids.map((id) => `  - {id: ${id}}`).join('\n')}\n`);
    const provider = gitWorktreeProvider();
    const spaces: TaskWorkspace[] = await Promise.all(ids.map((id) => provider.prepare({run: RUN, plan, task: task(plan, id), upstream: [], signal})));
    expect(new Set(spaces.map((s) => s.index)).size).toBe(10);
    await Promise.all(
      spaces.map(async (w, i) => {
        write(w.path, {[`f${i}.txt`]: `${i}\n`});
        const c = await provider.commit({run: RUN, task: task(plan, ids[i]!), workspace: w, attempt: 1});
        expect(c.filesChanged).toBe(1);
        await provider.release(w, {keep: false});
      }),
    );
    expect(sh(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('starts a retry from a clean worktree on the reset branch', async () => {
    const dir = repo();
    const plan = planFrom(dir, PLAN);
    const provider = gitWorktreeProvider();
    const first = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    write(first.path, {'junk.txt': 'x'});
    await provider.commit({run: RUN, task: task(plan, 'a'), workspace: first, attempt: 1});
    await provider.release(first, {keep: true});
    const second = await provider.prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [], signal});
    expect(second.path).toBe(first.path);
    expect(existsSync(join(second.path, 'junk.txt'))).toBe(false);
    expect(sh(dir, 'rev-parse', second.branch)).toBe(second.base);
  });

  it('says when the plan is not in a git repository', async () => {
    const {mkdtempSync} = await import('node:fs');
    const {tmpdir} = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'paraplan-nogit-'));
    const plan = planFrom(dir, PLAN);
    const error = await gitWorktreeProvider().prepare({run: RUN, plan, task: task(plan, 'a'), upstream: [] as {task: TaskId}[], signal}).catch((e: unknown) => e);
    expect(error).toMatchObject({reason: 'not-a-repository'});
  });
});
