import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import type {Dispatcher} from '../../src/engine/index.js';
import type {RunEvent, StoredEvent} from '../../src/model/index.js';
import {alive} from '../e2e/run-helpers.js';
import {fixture, makeEngine, NODE, planFrom, runPlan, statuses, tempFolder} from './helpers.js';

const q = JSON.stringify;

describe('engine: outcomes', () => {
  test('a plan whose tasks all exit 0 succeeds, dependencies first, and every change is stored', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: a, run: [${q(NODE)}, ${q(fixture('count.js'))}, order.txt, a]}
  - {id: b, run: [${q(NODE)}, ${q(fixture('count.js'))}, order.txt, b], needs: [a]}
  - {id: c, run: [${q(NODE)}, ${q(fixture('count.js'))}, order.txt, c], needs: [b]}
`,
    );
    const {summary, store, events} = await runPlan(dir, plan);
    expect(summary.status).toBe('succeeded');
    expect(readFileSync(join(dir, 'order.txt'), 'utf8')).toBe('a\nb\nc\n');
    expect(await statuses(store, summary.run)).toEqual({a: 'succeeded', b: 'succeeded', c: 'succeeded'});
    const stored = await store.events(summary.run);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    expect(stored).toEqual(events);
    const attempts = await store.attempts(summary.run);
    expect(attempts.map((a) => [a.task, a.attempt, a.outcome, a.exitCode])).toEqual([
      ['a', 1, 'ok', 0],
      ['b', 1, 'ok', 0],
      ['c', 1, 'ok', 0],
    ]);
    expect(attempts.every((a) => typeof a.pid === 'number')).toBe(true);
    expect((await store.getRun(summary.run))?.status).toBe('succeeded');
  });

  test('a failure stops only what is downstream of it; the rest runs and the run fails', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: bad, run: [sh, -c, 'echo broken >&2; exit 7']}
  - {id: after-bad, run: ["true"], needs: [bad]}
  - {id: later, run: ["true"], needs: [after-bad]}
  - {id: good, run: ["true"]}
  - {id: after-good, run: ["true"], needs: [good]}
`,
    );
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('failed');
    expect(await statuses(store, summary.run)).toEqual({bad: 'failed', 'after-bad': 'upstream_failed', later: 'upstream_failed', good: 'succeeded', 'after-good': 'succeeded'});
    const [attempt] = await store.attempts(summary.run, 'bad' as never);
    expect(attempt).toMatchObject({outcome: 'exit_nonzero', exitCode: 7, message: "Command failed with exit code 7: sh -c 'echo broken >&2; exit 7'"});
    expect(attempt!.outputTail).toContain('broken');
    expect(readFileSync(join(dir, '.paraplan', attempt!.logPath), 'utf8')).toContain('broken');
  });

  test('a command that passes but whose verify command fails is verify_failed, with the evidence stored', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - id: build
    run: [sh, -c, 'echo built > out.txt']
    verify:
      - {name: has output, run: [test, -s, out.txt]}
      - {name: says hello, run: [grep, -q, hello, out.txt]}
`,
    );
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('failed');
    const [a] = await store.attempts(summary.run);
    expect(a!.outcome).toBe('verify_failed');
    expect(a!.message).toBe('verification failed: says hello exited with 1');
    expect(a!.verify.map((v) => [v.name, v.exitCode])).toEqual([
      ['has output', 0],
      ['says hello', 1],
    ]);
  });

  test('verify commands that pass are the evidence of a success', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: t, run: [sh, -c, 'echo hi > f'], verify: [[grep, -q, hi, f]]}\n`);
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('succeeded');
    const [a] = await store.attempts(summary.run);
    expect(a!.verify).toEqual([expect.objectContaining({command: 'grep -q hi f', exitCode: 0})]);
  });

  test('a missing program is a spawn_error with a clear message, not a crash', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: t, run: [no-such-program-xyz, --flag]}\n`);
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('failed');
    const [a] = await store.attempts(summary.run);
    expect(a!.outcome).toBe('spawn_error');
    expect(a!.message).toMatch(/^Command not found: "no-such-program-xyz" is not a program on PATH/);
  });

  test('a missing working folder is a spawn_error naming the folder', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: t, run: ["true"], cwd: not-there}\n`);
    const {summary, store} = await runPlan(dir, plan);
    const [a] = await store.attempts(summary.run);
    expect(a!.outcome).toBe('spawn_error');
    expect(a!.message).toContain(`the working folder ${join(dir, 'not-there')} does not exist`);
  });

  test('shell metacharacters in an argv element are not interpreted', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: t, run: [echo, '$(touch pwned)', '; touch pwned2', '\`touch pwned3\`']}\n`);
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('succeeded');
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
    expect(existsSync(join(dir, 'pwned3'))).toBe(false);
    const [a] = await store.attempts(summary.run);
    expect(a!.outputTail).toBe('$(touch pwned) ; touch pwned2 `touch pwned3`\n');
  });

  test('the task gets its env, cwd relative to the plan folder, and PARAPLAN_* variables; secrets are not stored', async () => {
    const dir = tempFolder();
    writeFileSync(join(dir, 'marker'), '');
    const plan = await planFrom(
      dir,
      `tasks:\n  - {id: t, run: [${q(NODE)}, ${q(fixture('echo-env.js'))}, GREETING, PARAPLAN_TASK_ID, PARAPLAN_ATTEMPT, SECRET_TOKEN], env: {GREETING: hi}}\n`,
    );
    const {summary, store} = await runPlan(dir, plan, {env: {...process.env, SECRET_TOKEN: 'sk-very-secret'}});
    const [a] = await store.attempts(summary.run);
    // The child saw the secret (it printed it), but what it printed is masked before it reaches the log or the store.
    expect(JSON.parse(a!.outputTail!)).toEqual({GREETING: 'hi', PARAPLAN_TASK_ID: 't', PARAPLAN_ATTEMPT: '1', SECRET_TOKEN: '***'});
    const events = JSON.stringify(await store.events(summary.run));
    expect(events).not.toContain('sk-very-secret');
    expect(readFileSync(join(dir, '.paraplan', a!.logPath), 'utf8')).not.toContain('sk-very-secret');
  });

  test('output above the cap is cut with a note; the tail is kept', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: t, run: [${q(NODE)}, ${q(fixture('noisy.js'))}, '12000000']}\n`);
    const {summary, store} = await runPlan(dir, plan);
    const [a] = await store.attempts(summary.run);
    const log = readFileSync(join(dir, '.paraplan', a!.logPath), 'utf8');
    expect(log.length).toBeLessThan(10 * 1024 * 1024 + 500);
    expect(log).toContain('[paraplan: output truncated at 10485760 bytes');
    expect(a!.outputTail!.endsWith('END\n')).toBe(true);
  });
});

describe('engine: rules', () => {
  test('tasks done in the plan are skipped as done and count as satisfied; gates pass without running', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: old, run: [sh, -c, 'touch ran-old'], done: true}
  - {id: next, run: ["true"], needs: [old]}
  - {id: milestone, gate: true, needs: [next]}
`,
    );
    const {summary, store, events} = await runPlan(dir, plan);
    expect(summary.status).toBe('succeeded');
    expect(existsSync(join(dir, 'ran-old'))).toBe(false);
    const tasks = await store.tasks(summary.run);
    expect(tasks.map((t) => [t.task, t.status, t.reason, t.message ?? null])).toEqual([
      ['old', 'skipped', 'done-in-plan', 'done in the plan'],
      ['next', 'succeeded', 'attempt-ok', null],
      ['milestone', 'succeeded', 'gate-passed', null],
    ]);
    expect(events.filter((e) => e.type === 'attempt' && e.task === 'milestone')).toEqual([]);
  });

  test('--redo-done runs tasks marked done', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: old, run: [sh, -c, 'touch ran-old'], done: true}\n`);
    const {summary} = await runPlan(dir, plan, {runOptions: {failFast: false, redoDone: true}});
    expect(summary.status).toBe('succeeded');
    expect(existsSync(join(dir, 'ran-old'))).toBe(true);
  });

  test('trigger rules decide what runs after a failure', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: bad, run: ["false"]}
  - {id: good, run: ["true"]}
  - {id: all-success, run: ["true"], needs: [bad, good]}
  - {id: all-done, run: ["true"], needs: [bad, good], trigger: all_done}
  - {id: one-success, run: ["true"], needs: [bad, good], trigger: one_success}
  - {id: one-failed, run: ["true"], needs: [bad, good], trigger: one_failed}
  - {id: cleanup-unneeded, run: ["true"], needs: [good], trigger: one_failed}
  - {id: none-failed, run: ["true"], needs: [bad], trigger: none_failed}
  - {id: after-skip, run: ["true"], needs: [cleanup-unneeded]}
`,
    );
    const {summary, store} = await runPlan(dir, plan);
    expect(await statuses(store, summary.run)).toEqual({
      bad: 'failed',
      good: 'succeeded',
      'all-success': 'upstream_failed',
      'all-done': 'succeeded',
      'one-success': 'succeeded',
      'one-failed': 'succeeded',
      'cleanup-unneeded': 'skipped',
      'none-failed': 'upstream_failed',
      'after-skip': 'skipped',
    });
  });

  test('a retryable failure is retried with backoff until it passes, each attempt recorded', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: flaky, run: [${q(NODE)}, ${q(fixture('fail-times.js'))}, state, '2'], retries: 3}\n`);
    const {summary, store, events} = await runPlan(dir, plan);
    expect(summary.status).toBe('succeeded');
    const attempts = await store.attempts(summary.run);
    expect(attempts.map((a) => a.outcome)).toEqual(['exit_nonzero', 'exit_nonzero', 'ok']);
    const waits = events.filter((e): e is Extract<StoredEvent, {type: 'task'}> => e.type === 'task' && e.status === 'retry_wait');
    expect(waits.map((w) => w.message?.replace(/in \d+ ms/, 'in N ms'))).toEqual([
      "Command failed with exit code 1: node 'fail-times.js' state 2; retry 1 of 3 in N ms".replace("node 'fail-times.js'", `${NODE} ${fixture('fail-times.js')}`),
      "Command failed with exit code 1: node 'fail-times.js' state 2; retry 2 of 3 in N ms".replace("node 'fail-times.js'", `${NODE} ${fixture('fail-times.js')}`),
    ]);
    expect(waits.every((w) => typeof w.retryAt === 'number')).toBe(true);
  });

  test('retries stop when they run out, and outcomes not in retryOn are not retried', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: out-of-retries, run: [${q(NODE)}, ${q(fixture('fail-times.js'))}, s1, '5'], retries: 1}
  - {id: not-retryable, run: [no-such-program-xyz], retries: 3}
  - {id: timeout-only, run: ["false"], retries: 3, retryOn: [timeout]}
`,
    );
    const {summary, store} = await runPlan(dir, plan);
    const attempts = await store.attempts(summary.run);
    const count = (t: string): number => attempts.filter((a) => a.task === t).length;
    expect([count('out-of-retries'), count('not-retryable'), count('timeout-only')]).toEqual([2, 1, 1]);
    expect(summary.status).toBe('failed');
  });

  test('--retries overrides the plan', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: flaky, run: [${q(NODE)}, ${q(fixture('fail-times.js'))}, state, '1']}\n`);
    const {summary} = await runPlan(dir, plan, {runOptions: {failFast: false, redoDone: false, retries: 1}});
    expect(summary.status).toBe('succeeded');
  });

  test('--fail-fast starts nothing new after the first failure; the rest is cancelled', async () => {
    const dir = tempFolder();
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: bad, run: ["false"], priority: critical}
  - {id: x1, run: [sh, -c, 'touch x1'], needs: [bad], trigger: all_done}
  - {id: x2, run: [sh, -c, 'touch x2'], needs: [x1]}
`,
    );
    const {summary, store} = await runPlan(dir, plan, {workers: 1, runOptions: {failFast: true, redoDone: false}});
    expect(summary.status).toBe('failed');
    expect(await statuses(store, summary.run)).toEqual({bad: 'failed', x1: 'cancelled', x2: 'cancelled'});
    const x1 = (await store.tasks(summary.run)).find((t) => t.task === 'x1');
    expect(x1?.message).toBe('not started: --fail-fast stopped the run after "bad" failed');
    expect(existsSync(join(dir, 'x1'))).toBe(false);
  });

  test('dispatch follows the rank: the critical path first', async () => {
    const dir = tempFolder();
    const c = (id: string): string => `[${q(NODE)}, ${q(fixture('count.js'))}, order.txt, ${id}]`;
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: short, run: ${c('short')}, estimate: 1m}
  - {id: long1, run: ${c('long1')}, estimate: 10m}
  - {id: long2, run: ${c('long2')}, estimate: 10m, needs: [long1]}
`,
    );
    await runPlan(dir, plan, {workers: 1});
    expect(readFileSync(join(dir, 'order.txt'), 'utf8')).toBe('long1\nlong2\nshort\n');
  });

  test('a pool limits how many of its tasks run at once', async () => {
    const dir = tempFolder();
    // Each task records "start" then waits for the gate file; with one slot, the second cannot start while the first waits.
    const t = (id: string): string => `{id: ${id}, pool: db, run: [sh, -c, 'echo start-${id} >> log.txt; ${NODE} ${fixture('wait-for.js')} go-${id}; echo end-${id} >> log.txt']}`;
    const plan = await planFrom(dir, `pools: {db: 1}\ntasks:\n  - ${t('a')}\n  - ${t('b')}\n`);
    const {engine, store} = makeEngine(dir, plan, {
      workers: 4,
      onEvent: (e) => {
        // When an attempt starts, the other one must not be running: release this one.
        if (e.type === 'attempt' && e.reason === 'spawned') writeFileSync(join(dir, `go-${e.task}`), '');
      },
    });
    const result = await engine.run();
    expect(result.ok && result.value.status).toBe('succeeded');
    const lines = readFileSync(join(dir, 'log.txt'), 'utf8').trim().split('\n');
    expect(lines[0]!.slice(0, 6)).toBe('start-');
    expect(lines[1]!.slice(0, 4)).toBe('end-');
    store.close();
  });

  test('a plan with a task that has nothing to run is refused before anything runs', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: ok, run: ["true"]}\n  - {id: vague, description: do the thing}\n`);
    const {engine, store} = makeEngine(dir, plan);
    const result = await engine.run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('preflight');
    expect(JSON.stringify(result.error)).toContain('task \\"vague\\" has nothing to run: add run: (a command), agent: (a coding agent) or gate: true (a milestone)');
    expect(await store.latestRun()).toBeUndefined();
  });

  test('a worktree task without a workspace provider is refused in preflight', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: w, run: ["true"], workspace: worktree}\n`);
    const {engine} = makeEngine(dir, plan);
    const result = await engine.run();
    expect(!result.ok && result.error.kind).toBe('preflight');
    expect(JSON.stringify(result)).toContain('asks for its own git worktree');
  });
});

describe('engine: processes', () => {
  test('a task that forks children and hangs is killed with its whole tree at its timeout', async () => {
    const dir = tempFolder();
    const pidFile = join(dir, 'pids.txt');
    const plan = await planFrom(dir, `tasks:\n  - {id: hang, run: [${q(NODE)}, ${q(fixture('tree.js'))}, ${q(pidFile)}], timeout: 2s}\n`);
    const {summary, store} = await runPlan(dir, plan);
    expect(summary.status).toBe('failed');
    const [a] = await store.attempts(summary.run);
    expect(a!.outcome).toBe('timeout');
    expect(a!.message).toMatch(/^Command timed out after 2000 milliseconds/);
    const pids = readFileSync(pidFile, 'utf8').trim().split('\n').map(Number);
    expect(pids).toHaveLength(5);
    for (const pid of pids) expect(alive(pid), `pid ${pid} survived`).toBe(false);
  });

  test('cancel terminates running tasks with their trees and records everything as cancelled', async () => {
    const dir = tempFolder();
    const pidFile = join(dir, 'pids.txt');
    const plan = await planFrom(
      dir,
      `
tasks:
  - {id: hang, run: [${q(NODE)}, ${q(fixture('tree.js'))}, ${q(pidFile)}]}
  - {id: waiter, run: [${q(NODE)}, ${q(fixture('wait-for.js'))}, never]}
  - {id: later, run: ["true"], needs: [hang]}
`,
    );
    let spawned = 0;
    const {engine, store} = makeEngine(dir, plan, {
      onEvent: (e) => {
        if (e.type === 'attempt' && e.reason === 'spawned') spawned++;
      },
    });
    const running = engine.run();
    // Cancel once both commands run and the tree has written its pids.
    await until(() => spawned === 2 && existsSync(pidFile));
    engine.cancel('signal');
    const result = await running;
    expect(result.ok && result.value.status).toBe('cancelled');
    const run = result.ok ? result.value.run : ('' as never);
    expect(await statuses(store, run)).toEqual({hang: 'cancelled', waiter: 'cancelled', later: 'cancelled'});
    expect((await store.attempts(run)).map((a) => a.outcome)).toEqual(['cancelled', 'cancelled']);
    for (const pid of readFileSync(pidFile, 'utf8').trim().split('\n').map(Number)) expect(alive(pid)).toBe(false);
    expect((await store.getRun(run))?.status).toBe('cancelled');
  });
});

describe('engine: commits', () => {
  test('attempts that end in the same turn of the event loop share one transaction, committed before dependants start', async () => {
    const dir = tempFolder();
    const plan = await planFrom(dir, `tasks:\n  - {id: a, run: ["true"]}\n  - {id: b, run: ["true"]}\n  - {id: c, run: ["true"], needs: [a, b]}\n`);
    const {sqliteStore} = await import('../../src/store/index.js');
    const inner = sqliteStore(join(dir, '.paraplan', 'paraplan.db'));
    const batches: string[][] = [];
    // Every append is one transaction: record what each one held.
    const store = new Proxy(inner, {
      get(target, key) {
        if (key === 'append') {
          return (events: readonly RunEvent[]) => {
            batches.push(events.map((e) => `${e.type === 'run' ? '' : e.task} ${e.reason}`));
            return target.append(events);
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    // Both attempts end in the same check phase, as two commands whose exits Node reads in one poll do.
    const dispatcher: Dispatcher = {
      kinds: new Set(['shell']),
      preflight: async () => [],
      execute: () => new Promise((resolve) => setImmediate(() => resolve({outcome: 'ok', exitCode: 0, durationMs: 0, outputTail: ''}))),
      verify: () => Promise.reject(new Error('no verify commands in this plan')),
    };
    const {summary} = await runPlan(dir, plan, {store, dispatcher});
    expect(summary.status).toBe('succeeded');
    const both = batches.find((b) => b.includes('a attempt-ok'));
    expect(both).toEqual(expect.arrayContaining(['a finished', 'a attempt-ok', 'b finished', 'b attempt-ok', 'c dependencies-met', 'c started']));
    expect(both!.indexOf('c started')).toBeGreaterThan(both!.indexOf('b attempt-ok'));
  });
});

/** Waits for a condition the test's own processes make true (not a timing window: no deadline but the test's). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

describe('engine: shell helpers (PARAPLAN_SPAWN=helpers)', () => {
  const withHelpers = async (dir: string, yaml: string) => {
    const {ShellHelpers, executorRegistry, runVerify, shellExecutor} = await import('../../src/executors/index.js');
    const {localDispatcher} = await import('../../src/engine/index.js');
    const helpers = new ShellHelpers(process.env);
    const plan = await planFrom(dir, yaml);
    try {
      return await runPlan(dir, plan, {
        dispatcher: localDispatcher({executors: executorRegistry([shellExecutor({killGraceMs: 200, helpers})]), verify: (r) => runVerify(r)}),
      });
    } finally {
      helpers.close();
    }
  };

  test('commands run through helpers with their env and cwd, and argv is taken literally', async () => {
    const dir = tempFolder();
    const {summary, store} = await withHelpers(
      dir,
      `tasks:\n  - {id: a, run: [sh, -c, 'echo "$GREETING $PARAPLAN_TASK_ID" > out.txt'], env: {GREETING: "it's"}}\n  - {id: b, run: [echo, '$(touch pwned)', "it's"], needs: [a]}\n`,
    );
    expect(summary.status).toBe('succeeded');
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe("it's a\n");
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    const b = (await store.attempts(summary.run)).find((x) => x.task === 'b');
    expect(b!.outputTail).toBe("$(touch pwned) it's\n");
  });

  test('a missing program or folder is a spawn_error; a failure keeps its exit code', async () => {
    const dir = tempFolder();
    const {store, summary} = await withHelpers(dir, `tasks:\n  - {id: a, run: [no-such-program-xyz]}\n  - {id: b, run: ["true"], cwd: nope}\n  - {id: c, run: [sh, -c, 'exit 5']}\n`);
    const byTask = Object.fromEntries((await store.attempts(summary.run)).map((a) => [a.task, a]));
    expect(byTask['a']).toMatchObject({outcome: 'spawn_error'});
    expect(byTask['a']!.message).toMatch(/^Command not found: "no-such-program-xyz"/);
    expect(byTask['b']).toMatchObject({outcome: 'spawn_error'});
    expect(byTask['c']).toMatchObject({outcome: 'exit_nonzero', exitCode: 5});
  });

  test('a hanging tree is killed whole at its timeout', async () => {
    const dir = tempFolder();
    const pidFile = join(dir, 'pids.txt');
    const {store, summary} = await withHelpers(dir, `tasks:\n  - {id: hang, run: [${q(NODE)}, ${q(fixture('tree.js'))}, ${q(pidFile)}], timeout: 2s}\n  - {id: next, run: ["true"], needs: [hang], trigger: all_done}\n`);
    const [a, next] = await store.attempts(summary.run);
    expect(a!.outcome).toBe('timeout');
    expect(next!.outcome).toBe('ok');
    for (const pid of readFileSync(pidFile, 'utf8').trim().split('\n').map(Number)) expect(alive(pid), `pid ${pid}`).toBe(false);
  });
});
