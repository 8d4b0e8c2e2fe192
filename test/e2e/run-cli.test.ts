import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {paraplan, tempDir} from '../helpers/cli.js';
import {fx, ndjson, q} from './run-helpers.js';

const env = {PARAPLAN_KILL_GRACE_MS: '300', PARAPLAN_BACKOFF_MS: '1'};
const count = (id: string): string => `[${q(process.execPath)}, ${q(fx('count.js'))}, ran.txt, ${id}]`;

const PLAN = `
name: cli test
tasks:
  - {id: lint, run: ${count('lint')}}
  - {id: build, run: ${count('build')}, needs: [lint], verify: [[test, -s, ran.txt]]}
  - {id: test, run: ${count('test')}, needs: [build]}
  - {id: docs, run: ${count('docs')}, needs: [lint]}
  - {id: release, gate: true, needs: [test, docs]}
`;

const ran = (dir: string): string[] => (existsSync(join(dir, 'ran.txt')) ? readFileSync(join(dir, 'ran.txt'), 'utf8').trim().split('\n') : []);

describe('paraplan run (CLI)', () => {
  test('a run that succeeds exits 0, stores its state beside the plan, and status/logs/runs show it', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    const r = paraplan(['run', 'plan.yaml', '-j', '2'], {cwd: dir, env});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/run r\S+ succeeded in .*: 5 succeeded/);
    expect(existsSync(join(dir, '.paraplan', 'paraplan.db'))).toBe(true);
    expect(ran(dir).sort()).toEqual(['build', 'docs', 'lint', 'test']);

    const status = paraplan(['status'], {cwd: dir});
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/run r\S+ of "cli test": succeeded/);
    expect(status.stdout).toMatch(/release\s+succeeded/);

    const logs = paraplan(['logs', 'build'], {cwd: dir});
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('--- verify: test -s ran.txt ---');
    expect(logs.stderr).toMatch(/# build, attempt 1 of run r\S+ \(ok\)/);

    const runs = paraplan(['runs'], {cwd: dir});
    expect(runs.stdout).toMatch(/r\d{8}-\d{6}-\w{4}\s+succeeded/);
  });

  test('--json writes one parseable event per line, in seq order, ending with the run finishing', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    const r = paraplan(['run', 'plan.yaml', '--json'], {cwd: dir, env});
    expect(r.code).toBe(0);
    const events = ndjson(r.stdout);
    expect(events.map((e) => e['seq'])).toEqual(events.map((_, i) => i + 1));
    expect(events[0]).toMatchObject({type: 'run', reason: 'started', resumed: false, tasks: 5});
    expect(events.at(-1)).toMatchObject({type: 'run', reason: 'finished', status: 'succeeded', counts: {succeeded: 5}});
    expect(events.filter((e) => e['type'] === 'attempt' && e['reason'] === 'finished')).toHaveLength(4);
  });

  test('a failing task makes the run exit 1 and the summary says which and where its log is', () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: ok, run: ["true"]}\n  - {id: broken, run: [sh, -c, 'echo kaput; exit 4']}\n  - {id: after, run: ["true"], needs: [broken]}\n`});
    const r = paraplan(['run', 'plan.yaml'], {cwd: dir, env});
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ broken exit_nonzero after \S+: Command failed with exit code 4: sh -c 'echo kaput; exit 4' \(log: \.paraplan\/logs\/r\S+\/broken\.1\.log\)/);
    expect(r.stdout).toContain('    kaput');
    expect(r.stdout).toMatch(/run r\S+ failed in .*: 1 succeeded, 1 failed, 1 upstream_failed \(not run: a dependency failed\)/);
    expect(r.stdout).toContain('✗ broken: Command failed with exit code 4');
    expect(r.stdout).toContain('continue: paraplan run plan.yaml --resume');
    const status = paraplan(['status', '--json'], {cwd: dir});
    const json = JSON.parse(status.stdout) as {run: {status: string}; tasks: {task: string; status: string}[]};
    expect(json.run.status).toBe('failed');
    expect(json.tasks.map((t) => t.status)).toEqual(['succeeded', 'failed', 'upstream_failed']);
  });

  test('a task with nothing to run is refused with exit 2, naming it and what to add, and nothing runs', () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: a, run: ${count('a')}}\n  - {id: write-docs, description: Write the docs}\n`});
    const r = paraplan(['run', 'plan.yaml'], {cwd: dir, env});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('task "write-docs" has nothing to run: add run: (a command), agent: (a coding agent) or gate: true (a milestone)');
    expect(r.stderr).toContain('the plan cannot be carried out as it is; nothing was run');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(ran(dir)).toEqual([]);
  });

  test('--dry-run prints the order and the schedule and runs nothing', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    const r = paraplan(['run', 'plan.yaml', '--dry-run', '-j', '2'], {cwd: dir, env});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1\. lint[\s\S]*2\. build[\s\S]*5\. release\s+gate/);
    expect(r.stdout).toContain('Timeline on 2 workers');
    expect(ran(dir)).toEqual([]);
    expect(existsSync(join(dir, '.paraplan'))).toBe(false);
  });

  test('--only refuses a dependency that never succeeded, then runs just the selection once it has', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    const refused = paraplan(['run', 'plan.yaml', '--only', 'test'], {cwd: dir, env});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the selected tasks depend on "build", which has not succeeded in an earlier run of this plan');

    const typo = paraplan(['run', 'plan.yaml', '--only', 'tset'], {cwd: dir, env});
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('--only tset: the plan has no task "tset"; did you mean "test"?');

    expect(paraplan(['run', 'plan.yaml'], {cwd: dir, env}).code).toBe(0);
    const only = paraplan(['run', 'plan.yaml', '--only', 'test,docs', '--json'], {cwd: dir, env});
    expect(only.code).toBe(0);
    expect(ran(dir).slice(4).sort()).toEqual(['docs', 'test']);
    const skipped = ndjson(only.stdout).filter((e) => e['status'] === 'skipped');
    expect(skipped.map((e) => [e['task'], e['message']])).toEqual(
      expect.arrayContaining([
        ['lint', 'not selected; done in an earlier run'],
        ['build', 'not selected; done in an earlier run'],
        ['release', 'not selected'],
      ]),
    );
  });

  test('--from runs a task and everything downstream of it', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    expect(paraplan(['run', 'plan.yaml'], {cwd: dir, env}).code).toBe(0);
    const r = paraplan(['run', 'plan.yaml', '--from', 'build'], {cwd: dir, env});
    expect(r.code).toBe(0);
    expect(ran(dir).slice(4)).toEqual(['build', 'test']);
  });

  test('clear resets a task (and its downstream) so that --resume runs them again, and only them', () => {
    const dir = tempDir({'plan.yaml': PLAN});
    expect(paraplan(['run', 'plan.yaml'], {cwd: dir, env}).code).toBe(0);
    const nothing = paraplan(['run', 'plan.yaml', '--resume'], {cwd: dir, env});
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('there is nothing to resume');

    const cleared = paraplan(['clear', 'build', '--downstream'], {cwd: dir});
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toMatch(/cleared 3 tasks of run r\S+: build, test, release/);
    const resumed = paraplan(['run', 'plan.yaml', '--resume', '--json'], {cwd: dir, env});
    expect(resumed.code).toBe(0);
    expect(ran(dir).slice(4)).toEqual(['build', 'test']);
    const events = ndjson(resumed.stdout);
    expect(events[0]).toMatchObject({type: 'run', reason: 'started', resumed: true});
    const attempts = events.filter((e) => e['type'] === 'attempt' && e['reason'] === 'started');
    expect(attempts.map((e) => [e['task'], e['attempt']])).toEqual([
      ['build', 2],
      ['test', 2],
    ]);
  });

  test('clear --failed-only resets only what failed', () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: a, run: ["true"]}\n  - {id: b, run: ["false"], needs: [a]}\n`});
    expect(paraplan(['run', 'plan.yaml'], {cwd: dir, env}).code).toBe(1);
    const cleared = paraplan(['clear', 'a', '--downstream', '--failed-only'], {cwd: dir});
    expect(cleared.stdout).toMatch(/cleared 1 task of run r\S+: b/);
  });

  test('commands that read the state explain what to do when there is none', () => {
    const dir = tempDir({});
    for (const args of [['status'], ['runs'], ['logs', 'x'], ['cancel'], ['clear', 'x']]) {
      const r = paraplan(args, {cwd: dir});
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('no runs found');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('logs --attempt picks an attempt, and an unknown one is a clear error', () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: flaky, run: [${q(process.execPath)}, ${q(fx('fail-times.js'))}, state, '1'], retries: 1}\n`});
    expect(paraplan(['run', 'plan.yaml'], {cwd: dir, env}).code).toBe(0);
    expect(paraplan(['logs', 'flaky', '--attempt', '1'], {cwd: dir}).stdout).toContain('failing on purpose');
    expect(paraplan(['logs', 'flaky'], {cwd: dir}).stdout).toContain('ok now');
    const bad = paraplan(['logs', 'flaky', '--attempt', '3'], {cwd: dir});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('task "flaky" has no attempt 3');
  });

  test('--help of each command shows examples', () => {
    for (const cmd of ['check', 'plan', 'import', 'run', 'status', 'runs', 'logs', 'clear', 'cancel', 'report', 'runbook', 'merge', 'clean']) {
      const r = paraplan([cmd, '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout, cmd).toContain('Examples:');
    }
  });
});
