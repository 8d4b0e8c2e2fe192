import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, test} from 'vitest';
import {openLog, runChild} from '../../src/executors/child-process.js';
import {ShellHelpers} from '../../src/executors/shell-helpers.js';

const SECRET = 'sk-or-v1-0123456789abcdef';

describe('secret values never reach a log file', () => {
  test('a secret split across chunks is masked before anything is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'paraplan-secrets-'));
    const file = join(dir, 'a.log');
    const log = openLog(file, 1 << 20, 4096, [SECRET]);
    const pieces = ['before ', SECRET.slice(0, 7), SECRET.slice(7, 15), SECRET.slice(15), ' after ', SECRET, '\n'];
    for (const p of pieces) {
      log.write(Buffer.from(p));
      const now = existsSync(file) ? readFileSync(file, 'utf8') : '';
      expect(now).not.toContain(SECRET.slice(0, 12));
    }
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('before *** after ***\n');
    expect(log.tail()).toBe('before *** after ***\n');
  });

  for (const mode of ['direct', 'helper'] as const) {
    test(`while a command (${mode}) still runs, its log holds no secret`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'paraplan-secrets-'));
      const logPath = join(dir, 'task.log');
      const options = {
        command: {kind: 'shell' as const, script: 'printf "key=%s\\n" "$API_KEY"; while [ ! -f release ]; do sleep 0.02; done; echo done'},
        cwd: dir,
        env: {...process.env, API_KEY: SECRET},
        logPath,
        signal: new AbortController().signal,
        secrets: [SECRET],
      };
      const helpers = mode === 'helper' ? new ShellHelpers() : undefined;
      const running = (helpers?.run(options) ?? runChild(options)) as ReturnType<typeof runChild>;
      // Wait until the command has printed its line, then look at the file while it is still running.
      while (!(existsSync(logPath) && readFileSync(logPath, 'utf8').includes('key='))) await new Promise((r) => setImmediate(r));
      expect(readFileSync(logPath, 'utf8')).not.toContain(SECRET);
      writeFileSync(join(dir, 'release'), '');
      const r = await running;
      helpers?.close();
      expect(r.outcome).toBe('ok');
      expect(readFileSync(logPath, 'utf8')).toBe('key=***\ndone\n');
      expect(r.outputTail).not.toContain(SECRET);
    });
  }
});
