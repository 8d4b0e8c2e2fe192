import {describe, expect, it} from 'vitest';
import type {Diagnostic} from '../model/index.js';
import {parsePlanText} from './load.js';
import {normalizePlan} from './normalize.js';

function check(yaml: string): {plan: ReturnType<typeof normalizePlan>['plan']; errors: Diagnostic[]; warnings: Diagnostic[]} {
  const r = normalizePlan(parsePlanText('plan.yaml', yaml, 'yaml'));
  return {plan: r.plan, errors: r.diagnostics.filter((d) => d.severity === 'error'), warnings: r.diagnostics.filter((d) => d.severity === 'warning')};
}

const codes = (ds: Diagnostic[]): string[] => ds.map((d) => d.code);

describe('normalizePlan', () => {
  it('builds a frozen plan with defaults filled in', () => {
    const {plan, errors} = check(`
name: release 2.4
concurrency: 4
tasks:
  - id: db-fix
    title: Fix the database connection string
    priority: critical
    estimate: 15m
    timeout: 10m
    run: [./scripts/fix-db.sh, --apply]
    verify:
      - [psql, -d, app, -c, "select 1"]
      - {shell: "test -f config/db.env && grep -q app config/db.env"}
  - id: partner-api
    title: Migrate the partner API
    needs: [db-fix]
    agent: claude
    instructions: |
      Copy the partner API endpoints ...
`);
    expect(errors).toEqual([]);
    expect(plan!.name).toBe('release 2.4');
    const db = plan!.tasks.get('db-fix' as never)!;
    expect(db).toMatchObject({priority: 'critical', timeoutMs: 600_000, retries: 0, trigger: 'all_success', gate: false, executor: 'shell', workspace: 'none'});
    expect(db.run).toEqual({kind: 'argv', argv: ['./scripts/fix-db.sh', '--apply']});
    expect(db.verify.map((v) => v.command.kind)).toEqual(['argv', 'shell']);
    const api = plan!.tasks.get('partner-api' as never)!;
    expect(api).toMatchObject({executor: 'claude', workspace: 'worktree', pool: 'agent', gate: false});
    expect(api.needs).toMatchObject([{task: 'db-fix', kind: 'explicit'}]);
    expect(api.location).toMatchObject({line: 14});
    expect(Object.isFrozen(plan)).toBe(true);
    expect(Object.isFrozen(db)).toBe(true);
  });

  it('reports a cycle, an unknown dependency and a duplicate id together, each located', () => {
    const {errors} = check(`
tasks:
  - id: a
    needs: [b]
    run: [make, a]
  - id: b
    needs: [a]
    run: [make, b]
  - id: c
    needs: [db-migrate]
    run: [make, c]
  - id: a
    run: [make, a2]
  - id: db-migrations
    run: [make, m]
`);
    expect(codes(errors).sort()).toEqual(['cycle', 'duplicate-id', 'unknown-dependency']);
    const cycle = errors.find((e) => e.code === 'cycle')!;
    expect(cycle.message).toContain('a -> b -> a');
    expect(cycle.location).toMatchObject({line: 4, column: 13});
    expect(errors.find((e) => e.code === 'unknown-dependency')!.message).toContain('did you mean "db-migrations"?');
    expect(errors.find((e) => e.code === 'duplicate-id')).toMatchObject({location: {line: 12}, related: [{location: {line: 3}}]});
  });

  it('reports every strongly connected component', () => {
    const {errors} = check(`
tasks:
  - {id: a, needs: [b], run: [x]}
  - {id: b, needs: [a], run: [x]}
  - {id: c, needs: [e], run: [x]}
  - {id: d, needs: [c], run: [x]}
  - {id: e, needs: [d], run: [x]}
  - {id: f, needs: [e], run: [x]}
`);
    const cycles = errors.filter((e) => e.code === 'cycle').map((e) => e.message);
    expect(cycles).toHaveLength(2);
    expect(cycles.some((m) => m.includes('a -> b -> a'))).toBe(true);
    expect(cycles.some((m) => m.includes('c -> e -> d -> c'))).toBe(true);
    expect(errors.find((e) => e.code === 'never-runs')!.message).toContain('f');
  });

  it('reports self-dependencies, unknown executors and invalid durations', () => {
    const {errors} = check(`
tasks:
  - {id: a, needs: [a], run: [x], estimate: soon, timeout: 0m}
  - {id: b, agent: claud, run: [x]}
`);
    expect(codes(errors).sort()).toEqual(['invalid-duration', 'invalid-duration', 'self-dependency', 'unknown-executor']);
    expect(errors.find((e) => e.code === 'unknown-executor')!.message).toContain('did you mean "claude"?');
  });

  it('reports a gate with a command', () => {
    const {errors} = check(`tasks:\n  - {id: g, gate: true, run: [echo, hi]}\n`);
    expect(codes(errors)).toEqual(['gate-with-command']);
  });

  it('warns about tasks with nothing to run instead of calling them gates', () => {
    const {plan, warnings} = check(`tasks:\n  - {id: m, title: Milestone}\n  - {id: g, gate: true, needs: [m]}\n`);
    expect(plan!.tasks.get('m' as never)!.gate).toBe(false);
    expect(plan!.tasks.get('g' as never)!.gate).toBe(true);
    expect(warnings.map((w) => w.code)).toEqual(['nothing-to-run']);
    expect(warnings[0]!.message).toContain('1 task has nothing to run (no run: command, no agent): m;');
  });

  it('reads YAML numbers and booleans in argv and needs as the text written', () => {
    const {plan, errors} = check(`tasks:\n  - {id: 1, run: [sleep, 10]}\n  - {id: b, run: [true], needs: [1], verify: [[test, 1, -eq, 1]]}\n`);
    expect(errors).toEqual([]);
    expect(plan!.tasks.get('1' as never)!.run).toEqual({kind: 'argv', argv: ['sleep', '10']});
    expect(plan!.tasks.get('b' as never)!.run).toEqual({kind: 'argv', argv: ['true']});
    expect(plan!.tasks.get('b' as never)!.needs.map((d) => d.task)).toEqual(['1']);
  });

  it('keeps checking a task after a schema error in one of its fields', () => {
    const {errors} = check(`tasks:\n  - {id: a, retries: -1, needs: [a], estimate: 8-4h, run: "ls *.txt"}\n`);
    expect(codes(errors).sort()).toEqual(['invalid-command', 'invalid-duration', 'schema', 'self-dependency']);
  });

  it('names an unknown top-level field where it is, with a suggestion, and still checks the tasks', () => {
    const {errors} = check(`name: x\nconcurency: 3\ntasks:\n  - {id: a, needs: [zz], run: [x]}\n`);
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([
      ['unknown-field', 2],
      ['unknown-dependency', 4],
    ]);
    expect(errors[0]!.message).toContain('did you mean "concurrency"?');
  });

  it('does not warn about an absolute cwd inside the plan folder', () => {
    const r = normalizePlan(parsePlanText('/tmp/p/plan.yaml', 'tasks:\n  - {id: a, run: [x], cwd: /tmp/p/sub}\n  - {id: b, run: [x], cwd: /etc}\n', 'yaml'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(['cwd-outside']);
  });

  it('reports a dependency that puts a sequential group out of order', () => {
    const {errors} = check(`
groups:
  - {id: deploy, mode: sequential}
tasks:
  - {id: build, group: deploy, needs: [smoke], run: [x]}
  - {id: smoke, group: deploy, run: [x]}
`);
    expect(codes(errors)).toEqual(['sequential-order']);
    expect(errors[0]!.message).toContain('"build" needs "smoke", which comes after it in sequential group "deploy"');
  });

  it('turns group barriers and sequential groups into edges with their provenance', () => {
    const {plan, errors} = check(`
groups:
  - {id: b0, mode: sequential}
  - {id: b1, mode: parallel, needs: [b0]}
tasks:
  - {id: x1, group: b0, run: [x]}
  - {id: x2, group: b0, run: [x]}
  - {id: y1, group: b1, run: [x]}
  - {id: y2, group: b1, run: [x], needs: [b0]}
`);
    expect(errors).toEqual([]);
    expect(plan!.tasks.get('x2' as never)!.needs).toMatchObject([{task: 'x1', kind: 'sequential-order'}]);
    expect(plan!.tasks.get('y1' as never)!.needs.map((d) => [d.task, d.kind])).toEqual([
      ['x1', 'group-barrier'],
      ['x2', 'group-barrier'],
    ]);
    expect(plan!.tasks.get('y2' as never)!.needs).toHaveLength(2);
  });

  it('warns when a group does not hold the number of tasks it declares', () => {
    const {warnings} = check(`groups:\n  - {id: g, tasks: 3}\ntasks:\n  - {id: a, group: g, run: [x]}\n`);
    expect(codes(warnings)).toEqual(['group-count']);
  });

  it('warns about files that overlap between tasks that may run at the same time', () => {
    const {warnings} = check(`
tasks:
  - {id: a, run: [x], files: ["src/api/**"]}
  - {id: b, run: [x], files: ["src/api/routes.ts"]}
  - {id: c, run: [x], files: ["src/api/**"], needs: [a, b]}
  - {id: d, run: [x], files: ["docs/**"]}
`);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('tasks "a" and "b" may run at the same time')]);
  });

  it('refuses shell syntax in a plain-string command, and splits simple ones', () => {
    const {errors} = check(`tasks:\n  - {id: a, run: "echo $(touch pwned)"}\n`);
    expect(codes(errors)).toEqual(['invalid-command']);
    const {plan} = check(`tasks:\n  - {id: a, run: "npm run build --if-present"}\n`);
    expect(plan!.tasks.get('a' as never)!.run).toEqual({kind: 'argv', argv: ['npm', 'run', 'build', '--if-present']});
  });

  it('refuses field names from other tools, and keeps unknown ones with a warning', () => {
    const {errors, warnings} = check(`tasks:\n  - {id: a, run: [x], depends_on: [b], colour: blue}\n  - {id: b, run: [x]}\n`);
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('"depends_on" is not a paraplan field; write needs instead')]);
    expect(codes(warnings)).toEqual(['unknown-field']);
  });

  it('reports a mistake in defaults.retryOn once, not once per task', () => {
    const {errors} = check(`defaults: {retryOn: [exit_nonzero, nope]}\ntasks:\n  - {id: a, run: [x]}\n  - {id: b, run: [x]}\n  - {id: c, run: [x]}\n`);
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([['schema', 1]]);
  });

  it('keeps a field named like an Object method as an unknown field', () => {
    const {errors, warnings, plan} = check(`tasks:\n  - {id: a, run: [x], constructor: 1, toString: 2}\n`);
    expect(errors).toEqual([]);
    expect(codes(warnings)).toEqual(['unknown-field', 'unknown-field']);
    expect(plan!.tasks.get('a' as never)!.extra).toEqual({constructor: 1, toString: 2});
  });

  it('lists each dependency once when a task needs a large group and one of its members', () => {
    const members = Array.from({length: 40}, (_, i) => `  - {id: m${i}, run: [x], group: g}`).join('\n');
    const {plan, warnings} = check(`tasks:\n${members}\n  - {id: t, run: [x], needs: [g, m7, g]}\n`);
    const needs = plan!.tasks.get('t' as never)!.needs.map((d) => d.task);
    expect(needs).toHaveLength(40);
    expect(new Set(needs).size).toBe(40);
    expect(codes(warnings)).toEqual(['duplicate-dependency']);
  });

  it('locates tasks lazily, from a locator that does not need the parsed document', () => {
    const source = parsePlanText('plan.yaml', 'name: x\ntasks:\n  - {id: a, run: [x]}\n\n  - id: b\n    run: [x]\n', 'yaml');
    const locate = source.taskLocator!();
    expect([locate(0), locate(1), locate(2)]).toEqual([source.locate(['tasks', 0]), source.locate(['tasks', 1]), undefined]);
    expect(locate(1)).toMatchObject({line: 5, column: 5});
    const {plan} = normalizePlan(source);
    expect(plan!.tasks.get('b' as never)!.location).toMatchObject({file: 'plan.yaml', line: 5, column: 5});
  });

  it('reports a schema error with the field path and keeps checking other tasks', () => {
    const {errors} = check(`tasks:\n  - {id: a, priority: urgent, run: [x]}\n  - {id: b, needs: [zzz], run: [x]}\n`);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^tasks\[0\]\.priority: expected one of/), expect.stringContaining('"zzz", which is not defined')]);
  });

  it('reports trigger rules that can never fire', () => {
    const {errors} = check(`tasks:\n  - {id: a, run: [x], trigger: one_success}\n`);
    expect(codes(errors)).toEqual(['never-runs']);
  });

  it('reports files globs that leave the repository', () => {
    const {errors} = check(`tasks:\n  - {id: a, run: [x], files: ["../secrets/**"]}\n`);
    expect(codes(errors)).toEqual(['files-outside']);
  });

  it('reports an empty task list and invalid ids', () => {
    expect(codes(check('tasks: []').errors)).toEqual(['no-tasks']);
    expect(codes(check('tasks:\n  - {id: "has space", run: [x]}\n  - {id: "../up", run: [x]}\n').errors)).toEqual(['invalid-id', 'invalid-id']);
  });
});
