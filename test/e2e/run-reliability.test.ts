import {existsSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {paraplan, tempDir} from '../helpers/cli.js';
import {sqliteStore} from '../../src/store/index.js';
import type {RunId} from '../../src/model/index.js';
import {seededRandom as seeded} from '../../src/schedule/index.js';
import {alive, fx, q, startParaplan} from './run-helpers.js';


/** 14 tasks in layers; each appends its id to counter.txt, after `go` exists. */
function layeredPlan(): string {
  const node = q(process.execPath);
  const lines = ['name: crash test', 'tasks:'];
  const layers = [['a1', 'a2', 'a3'], ['b1', 'b2', 'b3', 'b4'], ['c1', 'c2', 'c3'], ['d1', 'd2'], ['e1', 'e2']];
  layers.forEach((layer, i) => {
    for (const id of layer) {
      const needs = i === 0 ? '' : `, needs: [${layers[i - 1]!.filter((_, k) => k % 2 === layer.indexOf(id) % 2 || layers[i - 1]!.length === 1).join(', ')}]`;
      lines.push(`  - {id: ${id}, run: [${node}, ${q(fx('count.js'))}, counter.txt, ${id}, go]${needs}}`);
    }
  });
  return lines.join('\n') + '\n';
}

describe('reliability', () => {
  test('killing the runner with SIGKILL at random moments loses nothing: --resume completes, nothing that succeeded runs again', async () => {
    const dir = tempDir({'plan.yaml': layeredPlan()});
    const random = seeded(20250101);
    const env = {PARAPLAN_LEASE_MS: '60000'};
    const lostPids: number[] = [];
    let kills = 1;

    // Round 0: the tasks wait for `go`, so the runner dies with attempts in flight: they must come back `lost`.
    const first = startParaplan(['run', 'plan.yaml', '-j', '3'], {cwd: dir, env});
    await first.waitFor((e) => e['type'] === 'attempt' && e['reason'] === 'spawned');
    first.child.kill('SIGKILL');
    await first.done;
    writeFileSync(join(dir, 'go'), '');

    // Rounds 1-5: resume, and kill after a random number of events.
    for (let round = 1; round <= 5; round++) {
      const events = 3 + Math.floor(random() * 25);
      const run = startParaplan(['run', 'plan.yaml', '--resume', '-j', '3'], {cwd: dir, env});
      let seen = 0;
      const finished = run.waitFor((e) => e['type'] === 'run' && e['reason'] === 'finished').then(() => 'finished' as const);
      const nth = run.waitFor(() => ++seen >= events).then(() => 'nth' as const);
      const which = await Promise.race([finished, nth]).catch(() => 'ended' as const);
      if (which === 'nth') {
        run.child.kill('SIGKILL');
        kills++;
      }
      const r = await run.done;
      if (which !== 'nth') {
        // The run ended by itself (it had little left); a resume after a full success refuses.
        expect([0, 2]).toContain(r.code);
      }
    }
    // Last: resume to the end without a kill (unless a round above already finished it).
    const last = paraplan(['run', 'plan.yaml', '--resume', '-j', '3'], {cwd: dir, env: {...env, PARAPLAN_KILL_GRACE_MS: '300'}});
    expect([0, 2]).toContain(last.code);
    if (last.code === 2) expect(last.stderr).toContain('there is nothing to resume');

    const store = sqliteStore(join(dir, '.paraplan', 'paraplan.db'));
    const run = (await store.latestRun())!;
    expect(run.status).toBe('succeeded');
    const tasks = await store.tasks(run.id);
    expect(tasks.every((t) => t.status === 'succeeded')).toBe(true);
    const attempts = await store.attempts(run.id);
    // No record is left open, and each task succeeded exactly once.
    expect(attempts.filter((a) => a.outcome === undefined)).toEqual([]);
    for (const t of tasks) expect(attempts.filter((a) => a.task === t.task && a.outcome === 'ok'), t.task).toHaveLength(1);
    // The attempts cut off in round 0 are recorded as lost, and were run again.
    const lost = attempts.filter((a) => a.outcome === 'lost');
    expect(lost.length).toBeGreaterThan(0);
    for (const a of lost) if (a.pid !== undefined) lostPids.push(a.pid);
    // Each task ran (appended its line) once, plus at most once per lost attempt.
    const counts = new Map<string, number>();
    for (const id of readFileSync(join(dir, 'counter.txt'), 'utf8').trim().split('\n')) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const t of tasks) {
      const n = counts.get(t.task) ?? 0;
      const lostHere = lost.filter((a) => a.task === t.task).length;
      expect(n, `${t.task} ran ${n} times with ${lostHere} lost attempts`).toBeGreaterThanOrEqual(1);
      expect(n, `${t.task} ran ${n} times with ${lostHere} lost attempts`).toBeLessThanOrEqual(1 + lostHere);
    }
    // The processes a dead runner left behind were killed by the next runner.
    for (const pid of lostPids) expect(alive(pid), `orphan ${pid}`).toBe(false);
    // The event log has no gaps.
    const events = await store.events(run.id);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    // Every kill was noticed by the next runner.
    expect(kills).toBeGreaterThan(2);
    expect(events.filter((e) => e.type === 'run' && e.reason === 'interrupted')).toHaveLength(kills);
    store.close();
  });

  test('a second runner cannot take a live run; `paraplan cancel` from another process stops it gracefully', async () => {
    const dir = tempDir({
      'plan.yaml': `tasks:\n  - {id: slow, run: [${q(process.execPath)}, ${q(fx('wait-for.js'))}, never]}\n  - {id: after, run: ["true"], needs: [slow]}\n`,
    });
    const runner = startParaplan(['run', 'plan.yaml'], {cwd: dir, env: {PARAPLAN_LEASE_MS: '600000'}});
    const spawned = await runner.waitFor((e) => e['type'] === 'attempt' && e['reason'] === 'spawned');

    const second = paraplan(['run', 'plan.yaml', '--resume'], {cwd: dir});
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/error: run r\S+ is still running \(process \d+\); wait for it to finish, or stop it with `paraplan cancel r\S+`/);

    const status = paraplan(['status'], {cwd: dir});
    expect(status.stdout).toMatch(/slow\s+running\s+1\s+\S+\s+pid \d+/);

    const cancel = paraplan(['cancel', '--wait'], {cwd: dir});
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(/asked run r\S+ to cancel/);
    expect(cancel.stdout).toMatch(/run r\S+ is cancelled/);
    const r = await runner.done;
    expect(r.code).toBe(1);
    expect(runner.events.some((e) => e['type'] === 'run' && e['reason'] === 'cancel-requested' && e['by'] === 'command')).toBe(true);
    expect(runner.events.at(-1)).toMatchObject({type: 'run', reason: 'finished', status: 'cancelled', counts: {cancelled: 2}});
    expect(alive(spawned['pid'] as number)).toBe(false);

    const store = sqliteStore(join(dir, '.paraplan', 'paraplan.db'));
    const run = (await store.latestRun())!;
    expect((await store.attempts(run.id)).map((a) => a.outcome)).toEqual(['cancelled']);
    expect(run.lease).toBeUndefined();
    store.close();

    // A cancelled run can be resumed; its cancelled tasks run again.
    writeFileSync(join(dir, 'never'), '');
    const resumed = paraplan(['run', 'plan.yaml', '--resume'], {cwd: dir, env: {PARAPLAN_KILL_GRACE_MS: '300'}});
    expect(resumed.code).toBe(0);
  });

  test('Ctrl-C (SIGINT) cancels gracefully: running tasks are terminated and recorded, exit code 1', async () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: slow, run: [${q(process.execPath)}, ${q(fx('tree.js'))}, pids.txt]}\n`});
    const runner = startParaplan(['run', 'plan.yaml'], {cwd: dir});
    await runner.waitFor((e) => e['type'] === 'attempt' && e['reason'] === 'spawned');
    while (!existsSync(join(dir, 'pids.txt'))) await new Promise((r) => setTimeout(r, 10));
    runner.child.kill('SIGINT');
    const r = await runner.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Ctrl-C: cancelling');
    expect(runner.events.at(-1)).toMatchObject({type: 'run', reason: 'finished', status: 'cancelled'});
    for (const pid of readFileSync(join(dir, 'pids.txt'), 'utf8').trim().split('\n').map(Number)) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  test('a resume takes over at once from a runner that died on this host, even with a long lease', async () => {
    const dir = tempDir({'plan.yaml': `tasks:\n  - {id: wait, run: [${q(process.execPath)}, ${q(fx('wait-for.js'))}, go]}\n`});
    const runner = startParaplan(['run', 'plan.yaml'], {cwd: dir, env: {PARAPLAN_LEASE_MS: '3600000'}});
    await runner.waitFor((e) => e['type'] === 'attempt' && e['reason'] === 'spawned');
    runner.child.kill('SIGKILL');
    await runner.done;
    const status = paraplan(['status'], {cwd: dir});
    expect(status.stdout).toMatch(/: interrupted/);
    writeFileSync(join(dir, 'go'), '');
    const resumed = paraplan(['run', 'plan.yaml', '--resume', '--json'], {cwd: dir, env: {PARAPLAN_LEASE_MS: '3600000', PARAPLAN_KILL_GRACE_MS: '300'}});
    expect(resumed.code).toBe(0);
    const store = sqliteStore(join(dir, '.paraplan', 'paraplan.db'));
    const run = (await store.latestRun())!;
    expect((await store.attempts(run.id as RunId)).map((a) => a.outcome)).toEqual(['lost', 'ok']);
    store.close();
  });
});
