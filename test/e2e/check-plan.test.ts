import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
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
    expect(lines[0]).toBe('id,title,group,priority,impact,risk,estimate,needs,owner,executor,status,size,files,tags,description');
    expect(lines).toHaveLength(15);
    expect(lines[14]).toContain('"Rebuild, Deploy, Smoke Test"');
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

  it('states the default estimate it used', () => {
    const dir = tempDir({'plan.yaml': 'tasks:\n  - {id: a, run: [x]}\n  - {id: b, run: [x], estimate: 1h}\n'});
    const r = paraplan(['plan', 'plan.yaml'], {cwd: dir});
    expect(r.stdout).toContain('1 task has no estimate and counts as 30m each (defaults.estimate): a');
  });
});

describe('plan --format csv round trip', () => {
  it('imports back to the same tasks, fields and dependencies', () => {
    const dir = tempDir({
      'plan.yaml': `name: round trip
groups:
  - {id: build, mode: parallel}
  - {id: ship, needs: [build]}
tasks:
  - {id: api, title: "Build the API, v2", group: build, priority: high, impact: high, risk: low, estimate: 2h, size: 120, files: ["src/api/**"], tags: [backend, api], owner: Ann, run: [make, api], description: "has \\"quotes\\", commas"}
  - {id: ui, title: Build the UI, group: build, estimate: 4-8h, run: [make, ui], done: true}
  - {id: deploy, title: Deploy, group: ship, needs: [api], estimate: 30m, run: [make, deploy]}
`,
    });
    const csv = paraplan(['plan', 'plan.yaml', '--format', 'csv', '-o', 'plan.csv'], {cwd: dir});
    expect(csv.code).toBe(0);
    const a = JSON.parse(paraplan(['plan', 'plan.yaml', '--format', 'json'], {cwd: dir}).stdout) as {sequentialMs: number; unlimitedMs: number; tasks: {id: string; title: string; priority: string; estimateMs: number; needs: {id: string}[]; done: boolean; group: string}[]};
    const back = paraplan(['plan', 'plan.csv', '--format', 'json'], {cwd: dir});
    expect(back.code).toBe(0);
    const b = JSON.parse(back.stdout) as typeof a;
    expect(b.sequentialMs).toBe(a.sequentialMs);
    expect(b.unlimitedMs).toBe(a.unlimitedMs);
    const simple = (x: typeof a): unknown[] =>
      x.tasks.map((t) => ({id: t.id, title: t.title, priority: t.priority, estimateMs: t.estimateMs, done: t.done, group: t.group, needs: t.needs.map((n) => n.id).sort()}));
    expect(simple(b)).toEqual(simple(a));
  });
});
