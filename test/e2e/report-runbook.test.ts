import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {latestReportLink} from '../../src/cli/commands/report.js';
import {memoryIo} from '../../src/cli/io.js';
import {paraplan, tempDir} from '../helpers/cli.js';

const PLAN = `name: release
concurrency: 2
rollback: |
  git revert the release commit, then run scripts/restore-db.sh
verify:
  - {name: smoke, run: [test, -f, built.txt]}
tasks:
  - {id: db, title: Migrate the database, estimate: 10m, run: [echo, migrate], verify: [[test, -d, .]]}
  - {id: "api/v2", title: Build the API, estimate: 20m, needs: [db], run: {shell: "echo api > built.txt"}}
  - {id: docs, title: Write the docs, estimate: 5m, run: [echo, docs], criteria: [Docs mention v2]}
`;

describe('paraplan runbook', () => {
  it('lists the start sequence in schedule order, each task\'s commands and verify commands, smoke tests, rollback and history', () => {
    const dir = tempDir({'plan.yaml': PLAN}, 'paraplan-runbook-');
    const run = paraplan(['run', 'plan.yaml'], {cwd: dir});
    expect(run.code).toBe(0);
    const runId = /run (r\d{8}-\d{6}-[a-z0-9]{4})/.exec(run.stderr + run.stdout)![1]!;
    const rep = paraplan(['report', '-o', 'report.md'], {cwd: dir});
    expect(rep.code).toBe(0);

    const r = paraplan(['runbook', 'plan.yaml', '-o', 'RUNBOOK.md'], {cwd: dir});
    expect(r.code).toBe(0);
    const md = readFileSync(join(dir, 'RUNBOOK.md'), 'utf8');
    expect(md).toContain('# release: runbook');
    expect(md).toContain('paraplan run plan.yaml -j 2');
    const sequence = md.slice(md.indexOf('## Start sequence'), md.indexOf('## Tasks'));
    // db (10m) and docs start at 0 on two workers; api/v2 waits for db.
    expect(sequence.indexOf('`db`')).toBeLessThan(sequence.indexOf('`api/v2`'));
    expect(sequence).toMatch(/\n[12]\. `db` Migrate the database: `echo migrate`; planned at 0 ms on worker [12]\n/);
    expect(sequence).toMatch(/\n[12]\. `docs` Write the docs: `echo docs`; planned at 0 ms on worker [12]\n/);
    expect(sequence).toMatch(/\n3\. `api\/v2` Build the API: `echo api > built.txt`; planned at 10m 00s on worker [12]; after `db`\n/);
    expect(md).toContain('- Verify (every one must exit 0):\n  - `test -d .`');
    expect(md).toContain('- Verify: none (a run will report it "completed, unverified")');
    expect(md).toContain('- Success criteria: Docs mention v2');
    expect(md).toContain('## Smoke tests\n\nPlan-level checks, run after the tasks (expected exit code 0):\n\n- smoke: `test -f built.txt`');
    expect(md).toContain('## Rollback\n\ngit revert the release commit, then run scripts/restore-db.sh');
    expect(md).toMatch(new RegExp(`\\| \`${runId}\` \\| [^|]+ \\| succeeded \\| 3 \\| 0 \\| 3 \\| [^|]+ \\| 2 \\| \\[report\\]\\(\\.paraplan/reports/${runId}\\.md\\) \\|`));
  });

  it('says when there is no history, no smoke test and no rollback note', () => {
    const dir = tempDir({'plan.yaml': 'name: bare\ntasks:\n  - {id: a, run: [echo, a]}\n'}, 'paraplan-runbook-');
    const r = paraplan(['runbook', 'plan.yaml'], {cwd: dir});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No run of this plan is stored yet.');
    expect(r.stdout).toContain('The plan defines no plan-level verify commands');
    expect(r.stdout).toContain('The plan has no rollback notes');
  });
});

describe('latestReportLink (for plan --format md)', () => {
  it('links the saved report of the latest run of the plan, relative to where the plan document goes', async () => {
    const dir = tempDir({'plan.yaml': 'name: linked\ntasks:\n  - {id: a, run: [echo, a]}\n'}, 'paraplan-link-');
    const io = memoryIo({cwd: dir});
    expect(await latestReportLink(join(dir, '.paraplan'), {planFile: 'plan.yaml', relativeTo: 'docs', io})).toBeUndefined();
    expect(paraplan(['run', 'plan.yaml'], {cwd: dir}).code).toBe(0);
    const link = await latestReportLink(join(dir, '.paraplan'), {planFile: 'plan.yaml', relativeTo: 'docs', io});
    expect(link).toMatch(/^\.\.\/\.paraplan\/reports\/r\d{8}-\d{6}-[a-z0-9]{4}\.md$/);
    expect(readFileSync(join(dir, 'docs', link!), 'utf8')).toContain('# Run report: linked');
    expect(await latestReportLink(join(dir, '.paraplan'), {planFile: 'other.yaml', relativeTo: '.', io})).toBeUndefined();
  });
});
