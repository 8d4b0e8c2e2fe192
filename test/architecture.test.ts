import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';
import {describe, expect, it} from 'vitest';
import {ROOT} from './helpers/cli.js';

// STYLE.md B1: which folder of src/ may import which. `type` imports of interfaces are allowed where noted.
const ALLOWED: Record<string, {values: string[]; types: string[]}> = {
  model: {values: [], types: []},
  plan: {values: ['model'], types: []},
  schedule: {values: ['model'], types: []},
  executors: {values: ['model'], types: ['workspace']},
  workspace: {values: ['model'], types: []},
  store: {values: ['model'], types: []},
  engine: {values: ['model', 'schedule'], types: ['executors', 'store', 'workspace']},
  report: {values: ['model'], types: ['store']},
  server: {values: ['model', 'report'], types: ['store']},
  cli: {values: ['*'], types: ['*']},
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('folder import rules (STYLE.md B1)', () => {
  const src = join(ROOT, 'src');
  const all = files(src);

  it('finds the source files', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it('every import crosses folders only as the table allows', () => {
    const violations: string[] = [];
    for (const file of all) {
      const rel = relative(src, file);
      const folder = rel.includes('/') ? rel.split('/')[0]! : '(root)';
      if (folder === '(root)') continue;
      const rules = ALLOWED[folder];
      if (!rules) {
        violations.push(`${rel}: folder "${folder}" is not in the table`);
        continue;
      }
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'/gm)) {
        const target = relative(src, join(file, '..', m[3]!));
        const targetFolder = target.split('/')[0]!;
        if (targetFolder === folder || target.startsWith('..')) continue;
        const isType = Boolean(m[2]);
        const ok = rules.values.includes('*') || rules.values.includes(targetFolder) || (isType && (rules.types.includes('*') || rules.types.includes(targetFolder)));
        if (!ok) violations.push(`${rel} imports ${isType ? 'type from ' : ''}${target}`);
      }
      if (folder !== 'cli' && /process\.(argv|exitCode|exit\(|on\(['"]SIG)/.test(text)) violations.push(`${rel} touches argv, the exit code or signal handlers (only cli/ may)`);
      if (['model', 'plan', 'schedule'].includes(folder) && rel !== 'plan/load.ts' && /from 'node:(fs|child_process|net|http)/.test(text)) {
        violations.push(`${rel}: the pure core does no I/O (only plan/load.ts reads files)`);
      }
    }
    expect(violations).toEqual([]);
  });
});
