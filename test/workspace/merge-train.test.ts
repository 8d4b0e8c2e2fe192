import {realpathSync} from 'node:fs';
import {afterEach, describe, expect, it} from 'vitest';
import {taskId} from '../../src/model/index.js';
import {conflictingTasks, mergeTrain, planVerifier} from '../../src/workspace/index.js';
import {gitRepo, planFrom, sh, write} from './git-rig.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

/** A repo with branch `integration` (target) and task branches made from `main` by `changes`. */
function setup(branches: Record<string, {from?: string; files: Record<string, string>}>): string {
  const r = gitRepo({'README.md': 'base\n', 'shared.txt': 'line 1\nline 2\nline 3\n'});
  cleanups.push(r.cleanup);
  const dir = realpathSync(r.dir);
  sh(dir, 'branch', 'integration');
  for (const [name, b] of Object.entries(branches)) {
    sh(dir, 'switch', '--quiet', '-c', name, b.from ?? 'main');
    write(dir, b.files);
    sh(dir, 'add', '-A');
    sh(dir, 'commit', '--quiet', '-m', `work on ${name}`);
  }
  sh(dir, 'switch', '--quiet', 'main');
  return dir;
}

describe('merge train', () => {
  it('merges branches in order into the target, moves it once, and leaves the checkout alone', async () => {
    const dir = setup({'t/a': {files: {'a.txt': 'a\n'}}, 't/b': {from: 't/a', files: {'b.txt': 'b\n'}}, 't/c': {files: {'c.txt': 'c\n'}}});
    const before = sh(dir, 'rev-parse', 'integration');
    const verified: string[] = [];
    const result = await mergeTrain({
      repo: dir,
      target: 'integration',
      branches: [
        {task: 'a', branch: 't/a', title: 'Add A'},
        {task: 'b', branch: 't/b'},
        {task: 'c', branch: 't/c'},
      ],
      verify: async (cwd) => {
        verified.push(sh(cwd, 'ls-files').split('\n').join(','));
        return {ok: true};
      },
    });
    expect(result.status).toBe('merged');
    expect(result.steps.map((s) => [s.task, s.status])).toEqual([
      ['a', 'merged'],
      ['b', 'merged'],
      ['c', 'merged'],
    ]);
    expect(result.from).toBe(before);
    expect(result.to).toBe(sh(dir, 'rev-parse', 'integration'));
    expect(sh(dir, 'log', '--format=%s', '--first-parent', 'integration').split('\n').slice(0, 3)).toEqual(['merge(c): c', 'merge(b): b', 'merge(a): Add A']);
    expect(verified).toEqual(['README.md,a.txt,shared.txt', 'README.md,a.txt,b.txt,shared.txt', 'README.md,a.txt,b.txt,c.txt,shared.txt']);
    expect(sh(dir, 'status', '--porcelain')).toBe('');
    expect(sh(dir, 'branch', '--show-current')).toBe('main');
    expect(sh(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('stops at the first conflict with the files and tasks involved; the target holds only what merged cleanly', async () => {
    const dir = setup({
      't/a': {files: {'shared.txt': 'line 1\nA\nline 3\n'}},
      't/b': {files: {'b.txt': 'b\n'}},
      't/c': {files: {'shared.txt': 'line 1\nC\nline 3\n'}},
      't/d': {files: {'d.txt': 'd\n'}},
    });
    const result = await mergeTrain({
      repo: dir,
      target: 'integration',
      branches: ['a', 'b', 'c', 'd'].map((t) => ({task: t, branch: `t/${t}`})),
    });
    expect(result.status).toBe('conflict');
    if (result.status !== 'conflict') return;
    expect(result.conflict).toMatchObject({task: 'c', branch: 't/c', files: ['shared.txt'], tasks: ['c', 'a']});
    expect(result.conflict.message).toBe('merging task "c" (t/c) into integration conflicts in shared.txt with task "a"');
    expect(result.predicted).toEqual([{tasks: ['a', 'c'], files: ['shared.txt']}]);
    expect(result.steps.map((s) => s.task)).toEqual(['a', 'b']);
    // The target moved to the last verified point: a and b, not c, never d.
    const tip = sh(dir, 'rev-parse', 'integration');
    expect(result.to).toBe(tip);
    expect(sh(dir, 'ls-tree', '--name-only', 'integration').split('\n')).toEqual(['README.md', 'b.txt', 'shared.txt']);
    expect(sh(dir, 'show', 'integration:shared.txt')).toBe('line 1\nA\nline 3');
    expect(sh(dir, 'rev-list', '--merges', '--count', 'integration')).toBe('2');
    expect(sh(dir, 'status', '--porcelain')).toBe('');
    expect(sh(dir, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('in atomic mode leaves the target where it was when any branch conflicts', async () => {
    const dir = setup({'t/a': {files: {'shared.txt': 'A\n'}}, 't/c': {files: {'shared.txt': 'C\n'}}});
    const before = sh(dir, 'rev-parse', 'integration');
    const result = await mergeTrain({repo: dir, target: 'integration', atomic: true, branches: [{task: 'a', branch: 't/a'}, {task: 'c', branch: 't/c'}]});
    expect(result).toMatchObject({status: 'conflict', from: before, to: before});
    expect(sh(dir, 'rev-parse', 'integration')).toBe(before);
  });

  it('reports a conflict with the target branch own changes as "target"', async () => {
    const dir = setup({'t/a': {files: {'README.md': 'from a\n'}}});
    sh(dir, 'switch', '--quiet', 'integration');
    write(dir, {'README.md': 'from integration\n'});
    sh(dir, 'commit', '--quiet', '-am', 'direct change');
    sh(dir, 'switch', '--quiet', 'main');
    const result = await mergeTrain({repo: dir, target: 'integration', branches: [{task: 'a', branch: 't/a'}]});
    expect(result).toMatchObject({status: 'conflict', conflict: {files: ['README.md'], tasks: ['a', 'target']}, predicted: [{tasks: ['target', 'a'], files: ['README.md']}]});
  });

  it('stops when the plan verify fails after a merge, keeping the target at the last verified merge', async () => {
    const dir = setup({'t/a': {files: {'a.txt': 'ok\n'}}, 't/b': {files: {'b.txt': 'broken\n'}}});
    const verify = planVerifier([{command: {kind: 'shell', script: '! grep -q broken b.txt 2>/dev/null || { echo "b is broken"; exit 1; }'}, name: 'smoke'}]);
    const result = await mergeTrain({repo: dir, target: 'integration', verify, branches: [{task: 'a', branch: 't/a'}, {task: 'b', branch: 't/b'}]});
    expect(result).toMatchObject({status: 'verify-failed', failed: {task: 'b', message: 'plan verify "smoke" failed with exit code 1', outputTail: 'b is broken\n'}});
    expect(sh(dir, 'ls-tree', '--name-only', 'integration').split('\n')).toContain('a.txt');
    expect(sh(dir, 'ls-tree', '--name-only', 'integration').split('\n')).not.toContain('b.txt');
  });

  it('says a branch already in the target was already merged instead of skipping it silently', async () => {
    const dir = setup({'t/a': {files: {'a.txt': 'a\n'}}});
    const first = await mergeTrain({repo: dir, target: 'integration', branches: [{task: 'a', branch: 't/a'}]});
    const second = await mergeTrain({repo: dir, target: 'integration', branches: [{task: 'a', branch: 't/a'}]});
    expect(second).toMatchObject({status: 'merged', from: first.to, to: first.to, steps: [{task: 'a', status: 'already-merged'}]});
  });

  it('refuses a target checked out in a worktree, and reports missing branches', async () => {
    const dir = setup({'t/a': {files: {'a.txt': 'a\n'}}});
    expect(await mergeTrain({repo: dir, target: 'main', branches: [{task: 'a', branch: 't/a'}]})).toMatchObject({status: 'target-checked-out', worktree: dir});
    expect(await mergeTrain({repo: dir, target: 'nope', branches: []})).toMatchObject({status: 'target-missing'});
    expect(await mergeTrain({repo: dir, target: 'integration', branches: [{task: 'x', branch: 't/x'}]})).toMatchObject({status: 'branch-missing', task: 'x', branch: 't/x'});
  });

  it('detects a target moved by someone else during the train and changes nothing', async () => {
    const dir = setup({'t/a': {files: {'a.txt': 'a\n'}}});
    const result = await mergeTrain({
      repo: dir,
      target: 'integration',
      branches: [{task: 'a', branch: 't/a'}],
      verify: async () => {
        sh(dir, 'branch', '-f', 'integration', 't/a');
        return {ok: true};
      },
    });
    expect(result).toMatchObject({status: 'target-moved', found: sh(dir, 'rev-parse', 't/a')});
    expect(sh(dir, 'rev-parse', 'integration')).toBe(sh(dir, 'rev-parse', 't/a'));
  });
});

describe('conflictingTasks', () => {
  it('pairs tasks whose files globs overlap unless a dependency orders them', () => {
    const r = gitRepo();
    cleanups.push(r.cleanup);
    const plan = planFrom(
      r.dir,
      `name: c
tasks:
  - {id: a, files: ['src/db/**']}
  - {id: b, files: ['src/db/pool.ts']}
  - {id: c, files: ['src/db/*.ts'], needs: [a]}
  - {id: d, files: ['docs/**']}
  - {id: e}
`,
    );
    const map = conflictingTasks(plan);
    const t = (s: string) => taskId(s);
    expect(map.get(t('a'))).toEqual(new Set([t('b')]));
    expect(map.get(t('b'))).toEqual(new Set([t('a'), t('c')]));
    expect(map.get(t('c'))).toEqual(new Set([t('b')]));
    expect(map.has(t('d'))).toBe(false);
    expect(map.has(t('e'))).toBe(false);
    expect(conflictingTasks(planFrom(r.dir, `name: c\nworkspace: {allowFileOverlap: true}\ntasks:\n  - {id: a, files: [x]}\n  - {id: b, files: [x]}\n`)).size).toBe(0);
  });
});
