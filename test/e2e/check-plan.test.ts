import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {planCsv} from '../../src/cli/plan-output.js';
import type {Plan} from '../../src/model/index.js';
import {loadPlanSource, normalizePlan} from '../../src/plan/index.js';
import {analyzePlan} from '../../src/schedule/index.js';
import {paraplan, ROOT, tempDir} from '../helpers/cli.js';

describe('paraplan check', () => {
  it('prints a cycle, an unknown dependency and a duplicate id with locations, and exits 2', () => {
    const dir = tempDir({
      'plan.yaml': `name: broken
tasks:
  - id: build
    run: [make, build]
    needs: [test]
  - id: test
    run: [make, test]
    needs: [build]
  - id: deploy
    run: [make, deploy]
    needs: [tests]
  - id: build
    run: [make, again]
`,
    });
    const r = paraplan(['check', 'plan.yaml'], {cwd: dir});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('plan.yaml:5:13: error: dependency cycle: build -> test -> build');
    expect(r.stderr).toContain('plan.yaml:11:13: error: task "deploy" needs "tests", which is not defined; did you mean "test"?');
    expect(r.stderr).toContain('plan.yaml:12:9: error: task id "build" is used twice');
    expect(r.stderr).toContain('3 errors, 0 warnings');
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it('exits 0 on a valid plan and prints a summary', () => {
    const r = paraplan(['check', 'examples/seed-000/plan.yaml']);
    expect(r.stderr).toContain('14 tasks, 6 groups; 0 errors, 0 warnings');
    expect(r.code).toBe(0);
  });

  it('prints diagnostics as JSON', () => {
    const dir = tempDir({'plan.json': '{"tasks": [{"id": "a", "needs": ["a"], "run": ["true"]}]}'});
    const r = paraplan(['check', 'plan.json', '--json'], {cwd: dir});
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as {ok: boolean; diagnostics: {code: string; location: {line: number}}[]};
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toMatchObject([{code: 'self-dependency', location: {line: 1}}]);
  });

  it('reports a missing file and a bad flag as user errors, without a stack trace', () => {
    const missing = paraplan(['check', 'nope.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml does not exist');
    const flag = paraplan(['plan', 'examples/seed-000/plan.yaml', '-j', 'zero']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('-j expects an integer');
    const unknown = paraplan(['frobnicate']);
    expect(unknown.code).toBe(2);
  });

  it('reports an -o path that cannot be written as a user error and leaves no temp file', () => {
    const dir = tempDir();
    const missing = paraplan(['plan', join(ROOT, 'examples/seed-000/plan.yaml'), '-o', 'no/such/dir/plan.txt'], {cwd: dir});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('error: cannot write no/such/dir/plan.txt: the folder no/such/dir does not exist');
    const folder = paraplan(['plan', join(ROOT, 'examples/seed-000/plan.yaml'), '-o', '.'], {cwd: dir});
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain('it is a folder');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('answers --version and --help', () => {
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    expect(paraplan(['--version']).stdout.trim()).toBe(version);
    const help = paraplan(['plan', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
  });
});

describe('paraplan plan', () => {
  it('reproduces the seed 000 totals: 305 min sequential, 150 min with the batch barriers, and the critical path', () => {
    const r = paraplan(['plan', 'examples/seed-000/plan.yaml', '-j', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sequential \(one worker\)\s+305 min/);
    expect(r.stdout).toMatch(/4 workers, barriers as written\s+150 min/);
    expect(r.stdout).toMatch(/unlimited workers, barriers as written\s+150 min/);
    expect(r.stdout).toContain('Critical path (150 min): 0.1 -> ');
    expect(r.stdout).toContain('-> 5.1');
  });

  it('gives the same figures as JSON, and the cost of the barriers', () => {
    const r = paraplan(['plan', 'examples/seed-000/plan.yaml', '-j', '2', '--format', 'json']);
    const out = JSON.parse(r.stdout) as {sequentialMs: number; unlimitedMs: number; makespanMs: number; lowerBoundMs: number; withoutBarriers: {unlimitedMs: number}; tasks: unknown[]; whatIf: {workers: number}[]};
    expect(out.sequentialMs).toBe(305 * 60_000);
    expect(out.unlimitedMs).toBe(150 * 60_000);
    expect(out.makespanMs).toBeGreaterThanOrEqual(out.lowerBoundMs);
    expect(out.withoutBarriers.unlimitedMs).toBe(30 * 60_000);
    expect(out.tasks).toHaveLength(14);
    expect(out.whatIf[0]!.workers).toBe(1);
  });

  it('writes the execution plan document, a Mermaid graph and CSV', () => {
    const dir = tempDir();
    const md = paraplan(['plan', join(ROOT, 'examples/seed-000/plan.yaml'), '--format', 'md', '-o', 'PLAN.md'], {cwd: dir});
    expect(md.code).toBe(0);
    const doc = readFileSync(join(dir, 'PLAN.md'), 'utf8');
    expect(doc).toContain('## Batch 1: Code Migration (PARALLEL)');
    expect(doc).toContain('```mermaid');
    expect(doc).toContain('- [ ] 5.1: Rebuild, Deploy, Smoke Test (20m)');
    expect(doc).toContain('Sequential time (sum of estimates): 305 min');
    const mermaid = paraplan(['plan', 'examples/seed-000/plan.yaml', '--format', 'mermaid']);
    expect(mermaid.stdout.startsWith('flowchart TD')).toBe(true);
    const csv = paraplan(['plan', 'examples/seed-000/plan.yaml', '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^"?# plan: /);
    expect(lines.find((l) => l.startsWith('id,'))).toMatch(/^id,title,group,priority,impact,risk,estimate,needs,owner,executor,status,size,files,tags,description,instructions,run,verify,/);
    expect(lines.at(-1)).toContain('"Rebuild, Deploy, Smoke Test"');
  });

  it('groups tasks into review batches of at most N lines', () => {
    const dir = tempDir({
      'plan.yaml': `tasks:
  - {id: a, run: [x], size: 300}
  - {id: b, run: [x], size: 200, needs: [a]}
  - {id: c, run: [x], size: 150, needs: [b]}
  - {id: d, run: [x], size: 900, needs: [c]}
`,
    });
    const r = paraplan(['plan', 'plan.yaml', '--max-loc', '400'], {cwd: dir});
    expect(r.stdout).toContain('Batch 1: 300 LOC: a');
    expect(r.stdout).toContain('Batch 2: 350 LOC: b, c');
    expect(r.stdout).toContain('Batch 3: 900 LOC (one task above the limit): d');
  });

  it('writes the what-if table of a large plan (one list schedule per row) as the library computes it', () => {
    // 24,000 tasks in 40 layers: above the size where rows stop searching.
    const per = 600;
    const tasks = Array.from({length: 40 * per}, (_, t) => {
      const l = Math.floor(t / per);
      const i = t % per;
      const needs = l === 0 ? [] : [...new Set([`t${(l - 1) * per + ((i * 31) % per)}`, `t${(l - 1) * per + ((i * 17 + 5) % per)}`])];
      return {id: `t${t}`, estimate: `${1 + ((t * 7919) % 13)}m`, needs, run: ['true']};
    });
    const dir = tempDir({'plan.json': JSON.stringify({name: 'large', tasks})});
    const r = paraplan(['plan', 'plan.json', '-j', '4', '--format', 'json', '-o', 'out.json'], {cwd: dir});
    expect(r.code).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as {makespanMs: number; whatIf: {workers: number; makespan: number}[]};
    const source = loadPlanSource(join(dir, 'plan.json'));
    return source.then((loaded) => {
      if (!loaded.ok) throw new Error('the plan did not load');
      const {plan} = normalizePlan(loaded.value);
      const one = analyzePlan(plan!, {workers: 4, timeBudgetMs: 1000});
      expect(out.whatIf).toEqual(JSON.parse(JSON.stringify(one.whatIf)));
      expect(out.whatIf.length).toBeGreaterThan(3);
      expect(out.whatIf.find((row) => row.workers === 4)?.makespan).toBe(out.makespanMs);
    });
  });

  it('says which tasks are marked done and how much of the work they are', () => {
    const dir = tempDir({'plan.yaml': 'tasks:\n  - {id: a, run: [x], estimate: 1h, done: true}\n  - {id: b, run: [x], estimate: 2h, needs: [a]}\n'});
    const r = paraplan(['plan', 'plan.yaml'], {cwd: dir});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Note: 1 of 2 tasks are marked done (60 min of the 180 min of work); the schedule below is of the whole plan, and `run` skips them: a');
  });

  it('states the default estimate it used', () => {
    const dir = tempDir({'plan.yaml': 'tasks:\n  - {id: a, run: [x]}\n  - {id: b, run: [x], estimate: 1h}\n'});
    const r = paraplan(['plan', 'plan.yaml'], {cwd: dir});
    expect(r.stdout).toContain('1 task has no estimate and counts as 30m each (defaults.estimate): a');
  });
});

describe('plan --format csv round trip', () => {
  /** A normalized plan as plain data: tasks without locations, dependencies as sorted ids, group membership. */
  async function loaded(file: string): Promise<Record<string, unknown>> {
    const source = await loadPlanSource(file);
    if (!source.ok) throw new Error(JSON.stringify(source.error));
    const {plan, diagnostics} = normalizePlan(source.value);
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!plan) throw new Error('no plan');
    return comparable(plan);
  }

  function comparable(plan: Plan): Record<string, unknown> {
    return {
      name: plan.name,
      description: plan.description,
      concurrency: plan.concurrency,
      defaultEstimateMs: plan.defaultEstimateMs,
      pools: [...plan.pools],
      executors: [...plan.executors.values()].map(({location: _, ...e}) => e),
      groups: [...plan.groups.values()].map((g) => ({id: g.id, tasks: g.tasks})),
      tasks: [...plan.tasks.values()].map(({location: _, needs, verify, ...t}) => ({...t, needs: needs.map((d) => d.task).sort(), verify: verify.map(({location: _l, ...v}) => v)})),
    };
  }

  it('imports back to the same plan, field by field', async () => {
    const dir = tempDir({
      'plan.yaml': `name: "round trip: \`v2\`, ünïcode"
description: "Two lines,\\nwith \\"quotes\\""
concurrency: 3
defaults: {estimate: 45m, retries: 1}
pools: {db: 1}
executors:
  reviewer: {kind: agent, preset: claude, model: opus}
groups:
  - {id: build, title: Build it, mode: parallel}
  - {id: ship, needs: [build]}
  - {id: seq, mode: sequential}
tasks:
  - id: api
    title: "Build the \`api\`, v2; \\"fast\\""
    group: build
    priority: high
    impact: high
    risk: low
    estimate: 2h
    size: 120
    files: ["src/api/**", "src/{a,b}.ts", "with; semicolon"]
    tags: [backend, api]
    owner: Ann
    run: [sh, -c, "echo \\"a, b\\"\\necho 'ü ✓'"]
    verify: [{name: "unit, tests", run: [npm, test]}, {shell: "test -f out && echo ok | grep -q ok"}, "make lint"]
    description: "has \\"quotes\\", commas\\nand a second line "
    instructions: "  indented\\n- step 1; step 2"
    criteria: ["compiles; no warnings", "tests pass"]
    returns: a summary
    deliverables: [api.md, "[draft] notes"]
    testStrategy: unit + e2e
    timeout: 90s
    retryOn: [timeout]
    cwd: packages/api
    env: {NODE_ENV: test, EMPTY: "", "WITH,COMMA": "a=b;c"}
    pool: db
    trigger: all_done
    extra: {jira: API-1, points: 3}
  - {id: ui, title: Build the UI, group: build, estimate: 4-8h, run: {shell: "make ui > log.txt"}, done: true, workspace: worktree}
  - {id: review, title: Review, executor: reviewer, needs: [api], instructions: "Review the API", estimate: 30}
  - {id: deploy, title: Deploy, group: ship, needs: [api], estimate: 30m, run: "make deploy", retries: 0}
  - {id: milestone, group: ship, gate: true, needs: [deploy], trigger: none_failed}
  - {id: s1, group: seq, run: [a]}
  - {id: s2, group: seq, run: [b]}
`,
    });
    const csv = paraplan(['plan', 'plan.yaml', '--format', 'csv', '-o', 'plan.csv'], {cwd: dir});
    expect(csv.code).toBe(0);
    const text = readFileSync(join(dir, 'plan.csv'), 'utf8');
    expect(text).toContain('"[""sh"",""-c"",""echo \\""a, b\\""\\necho \'ü ✓\'""]"');
    const a = await loaded(join(dir, 'plan.yaml'));
    const b = await loaded(join(dir, 'plan.csv'));
    // Field by field first, for a readable failure; then the whole.
    const at = (x: Record<string, unknown>, i: number): Record<string, unknown> => (x['tasks'] as Record<string, unknown>[])[i]!;
    for (let i = 0; i < (a['tasks'] as unknown[]).length; i++) {
      for (const key of Object.keys(at(a, i))) expect({task: at(a, i)['id'], key, value: at(b, i)[key]}).toEqual({task: at(a, i)['id'], key, value: at(a, i)[key]});
    }
    expect(b).toEqual(a);
    // The CLI reads it back with the same figures.
    const ja = JSON.parse(paraplan(['plan', 'plan.yaml', '--format', 'json'], {cwd: dir}).stdout) as {sequentialMs: number; unlimitedMs: number; plan: string};
    const jb = JSON.parse(paraplan(['plan', 'plan.csv', '--format', 'json'], {cwd: dir}).stdout) as typeof ja;
    expect([jb.plan, jb.sequentialMs, jb.unlimitedMs]).toEqual([ja.plan, ja.sequentialMs, ja.unlimitedMs]);
  });

  it('imports random plans back to the same plan (property)', async () => {
    const dir = tempDir();
    const text = fc.string({unit: fc.constantFrom('a', 'Z', ' ', ',', ';', '"', '`', '\n', '[', '{', '#', 'é', '✓', '\\', "'")});
    // An empty text cell reads as "not given" (a spreadsheet cannot tell them apart): texts are non-empty.
    const nonEmpty = text.filter((s) => s.trim() !== '');
    const command = fc.oneof(fc.array(text, {minLength: 1, maxLength: 3}), nonEmpty.map((s) => ({shell: s})));
    const task = fc.record(
      {
        title: nonEmpty,
        description: nonEmpty,
        priority: fc.constantFrom('critical', 'high', 'medium', 'low'),
        estimate: fc.constantFrom('15m', '2h', '4-8h', '1.5d', 30),
        run: command,
        verify: fc.array(fc.oneof(command, fc.record({name: text, run: command})), {maxLength: 2}),
        criteria: fc.array(text, {maxLength: 3}),
        files: fc.array(nonEmpty.map((s) => `src/${s}`), {maxLength: 3}),
        tags: fc.array(nonEmpty, {maxLength: 3}),
        env: fc.dictionary(fc.stringMatching(/^[A-Z_]{1,5}$/), text, {maxKeys: 2}),
        owner: nonEmpty,
        done: fc.boolean(),
        group: fc.constantFrom('g1', 'g 2', 'g3'),
      },
      {requiredKeys: []},
    );
    let n = 0;
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(task, {minLength: 1, maxLength: 5}), fc.array(fc.nat(), {maxLength: 6}), nonEmpty, async (tasks, edges, name) => {
        const written = {
          name,
          tasks: tasks.map((t, i) => ({id: `t${i}`, ...t, needs: edges.map((e) => `t${e % (i + 1)}`).filter((id, j, all) => id !== `t${i}` && all.indexOf(id) === j)})),
        };
        const file = join(dir, `p${n++}`);
        writeFileSync(`${file}.json`, JSON.stringify(written));
        const source = await loadPlanSource(`${file}.json`);
        if (!source.ok) throw new Error('unreadable');
        const {plan} = normalizePlan(source.value);
        if (!plan) return;
        checked++;
        writeFileSync(`${file}.csv`, planCsv(plan));
        const back = await loaded(`${file}.csv`);
        expect(back).toEqual(comparable(plan));
      }),
      {numRuns: 60, seed: 42},
    );
    // The property means little unless most random plans are valid and take the round trip.
    expect(checked).toBeGreaterThan(50);
  });
});
