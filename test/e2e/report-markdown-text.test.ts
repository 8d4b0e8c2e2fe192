import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {paraplan, tempDir} from '../helpers/cli.js';

const PLAN = `name: text
tasks:
  - id: loud
    run: {shell: "echo oops >&2; exit 1"}
  - id: checked
    run: [true]
    verify:
      - {name: says, run: {shell: "echo verify-said-this"}}
      - {name: quiet, run: [true]}
  - id: counter
    title: "count | and <b>bold</b> & more"
    run: {shell: "n=$(cat count 2>/dev/null || echo 0); echo $n"}
    verify: [{shell: "test 1 || false"}]
`;

let dir: string;
let md: string;

beforeAll(() => {
  dir = tempDir({'plan.yaml': PLAN}, 'paraplan-mdtext-');
  const run = paraplan(['run', 'plan.yaml'], {cwd: dir});
  expect(run.code).toBe(1);
  const rep = paraplan(['report', '-o', 'report.md'], {cwd: dir});
  expect(rep.code).toBe(0);
  md = readFileSync(join(dir, 'report.md'), 'utf8');
});

describe('Markdown text in reports and runbooks', () => {
  it('writes shell redirections as typed: no HTML entities outside code', () => {
    expect(md).not.toMatch(/&gt;|&lt;|&amp;/);
    expect(md).toContain('- Message: Command failed with exit code 1: echo oops >&2; exit 1');
    // A title is still text, not HTML, wherever it is rendered.
    expect(md).toContain('count | and \\<b>bold\\</b> & more');
  });

  it('shows a verify command\'s own output in the verify table, not the log header before it', () => {
    const rows = md.split('\n').filter((l) => l.startsWith('| says |') || l.startsWith('| quiet |'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.find((l) => l.startsWith('| says |'))).toMatch(/\| `verify-said-this` \|$/);
    expect(rows.find((l) => l.startsWith('| quiet |'))).toMatch(/\| \(no output\) \|$/);
    expect(md).not.toContain('--- verify:');
  });

  it('escapes | in table cells only: list items keep the command as typed', () => {
    expect(md).toContain('- Verify commands (plan): `test 1 || false`');
    const row = md.split('\n').find((l) => l.startsWith('| `counter` |'))!;
    expect(row).toContain('count \\| and');
    const r = paraplan(['runbook', 'plan.yaml'], {cwd: dir});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('- Command: `n=$(cat count 2>/dev/null || echo 0); echo $n`');
    expect(r.stdout).toMatch(/\d\. `counter` count \| and \\<b>bold\\<\/b> & more: `n=\$\(cat count 2>\/dev\/null \|\| echo 0\); echo \$n`/);
    expect(r.stdout).toContain('  - `test 1 || false`');
    expect(r.stdout).not.toContain('\\|\\|');
  });
});
