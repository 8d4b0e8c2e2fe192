import {cpSync, existsSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import {paraplan, ROOT, tempDir} from '../helpers/cli.js';

test('the sample project plan succeeds on a fresh copy, with its state beside the plan', () => {
  const dir = tempDir();
  cpSync(join(ROOT, 'examples', 'sample-project'), join(dir, 'sample-project'), {recursive: true});
  rmSync(join(dir, 'sample-project', '.paraplan'), {recursive: true, force: true});
  rmSync(join(dir, 'sample-project', 'out'), {recursive: true, force: true});
  const r = paraplan(['run', 'sample-project/plan.yaml'], {cwd: dir});
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/run r\S+ succeeded in .*: 9 succeeded/);
  expect(existsSync(join(dir, 'sample-project', '.paraplan', 'paraplan.db'))).toBe(true);
  expect(existsSync(join(dir, 'sample-project', 'out', 'textkit.tgz'))).toBe(true);
});
