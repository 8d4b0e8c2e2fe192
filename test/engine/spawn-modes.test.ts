import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterEach, describe, expect, test} from 'vitest';
import {runChild, type ChildOptions, type ChildResult} from '../../src/executors/child-process.js';
import {ShellHelpers, spawnMode, type SpawnMode} from '../../src/executors/shell-helpers.js';
import {tempFolder} from './helpers.js';
import {alive} from '../e2e/run-helpers.js';

const NATIVE = fileURLToPath(new URL('../../dist/native/spawn-helper', import.meta.url));
const HAVE_NATIVE = existsSync(NATIVE);
const LOGS = join(tempFolder(), 'logs');
const open: ShellHelpers[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

function helpers(mode: SpawnMode, env: NodeJS.ProcessEnv = process.env, nativeHelper?: string): ShellHelpers {
  const h = new ShellHelpers(env, {mode, ...(nativeHelper ? {nativeHelper} : {})});
  open.push(h);
  return h;
}

function options(dir: string, command: ChildOptions['command'], more: Partial<ChildOptions> = {}): ChildOptions {
  return {command, cwd: dir, env: process.env, logPath: join(LOGS, 'out.log'), signal: new AbortController().signal, killGraceMs: 200, ...more};
}

/** Runs through the mode's helper, or directly (as the shell executor does when the helper declines). */
async function run(h: ShellHelpers, o: ChildOptions): Promise<ChildResult> {
  return (await h.run(o)) ?? (await runChild(o));
}

/** What must not depend on how the command was started. */
const facts = (r: ChildResult) => ({outcome: r.outcome, exitCode: r.exitCode, signal: r.signal, tail: r.outputTail, message: r.message?.replace(/\d+ milliseconds/, 'N milliseconds')});


const ppid = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

describe('spawn modes: selection and fallback', () => {
  test('PARAPLAN_SPAWN picks the mode; anything else is c', () => {
    expect(spawnMode({PARAPLAN_SPAWN: 'perl'})).toBe('perl');
    expect(spawnMode({PARAPLAN_SPAWN: 'direct'})).toBe('direct');
    expect(spawnMode({PARAPLAN_SPAWN: 'c'})).toBe('c');
    expect(spawnMode({})).toBe('c');
  });

  // Never skipped: `npm ci` builds the helper wherever a C compiler exists (CI installs one).
  test('c uses the compiled helper, which npm ci builds', () => {
    expect(HAVE_NATIVE, `${NATIVE} is missing: run node scripts/build-spawn-helper.js (needs cc)`).toBe(true);
    expect(helpers('c').kind).toBe('c');
  });

  test('c falls back to perl when the compiled helper is missing or does not answer the handshake', () => {
    const dir = tempFolder();
    const fake = join(dir, 'spawn-helper');
    writeFileSync(fake, '#!/bin/sh\necho something else\n');
    chmodSync(fake, 0o755);
    expect(helpers('c', process.env, join(dir, 'missing')).kind).toBe('perl');
    expect(helpers('c', process.env, fake).kind).toBe('perl');
    expect(helpers('perl').kind).toBe('perl');
  });

  test('without a helper (direct, or no compiled helper and no perl on PATH), commands are spawned directly', async () => {
    const dir = tempFolder();
    const noPerl = {...process.env, PATH: dir};
    const none = helpers('c', noPerl, join(dir, 'missing'));
    expect(none.kind).toBe('direct');
    expect(none.run(options(dir, {kind: 'argv', argv: ['/bin/true']}, {env: noPerl}))).toBeUndefined();
    const direct = helpers('direct');
    expect(direct.kind).toBe('direct');
    expect(direct.run(options(dir, {kind: 'argv', argv: ['/bin/true']}))).toBeUndefined();
  });
});

const MODES: SpawnMode[] = HAVE_NATIVE ? ['c', 'perl', 'direct'] : ['perl', 'direct'];

describe('spawn modes: the same behaviour in each', () => {
  // stdin must be at its end in every mode, even on a machine whose /dev/null became a regular file (a rename over
  // it as root does that): reading it would hand the command what other processes wrote to /dev/null.
  test('exit codes, signals, output, env, cwd and spawn errors are reported alike', async () => {
    const dir = tempFolder();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'not-exec'), 'echo hi\n');
    writeFileSync(join(dir, 'file'), '');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'no-shebang'), 'echo "no shebang $1"\n');
    chmodSync(join(dir, 'bin', 'no-shebang'), 0o755);
    const env: NodeJS.ProcessEnv = {...process.env, KEEP: 'kept', DROP: 'dropped'};
    const cases: ChildOptions[] = [
      options(dir, {kind: 'shell', script: 'echo out; echo err >&2; exit 3'}),
      options(dir, {kind: 'shell', script: 'kill -9 $$'}),
      options(dir, {kind: 'shell', script: 'kill -TERM $$'}),
      options(join(dir, 'sub'), {kind: 'shell', script: 'pwd; echo "$KEEP/${DROP-unset}/$ADDED"; if read x; then echo "stdin: $x"; else echo eof; fi'}, {env: {...env, DROP: undefined, ADDED: 'a=b'}}),
      options(dir, {kind: 'argv', argv: ['no-such-program-xyz']}),
      options(dir, {kind: 'argv', argv: ['./not-exec']}),
      options(join(dir, 'nope'), {kind: 'argv', argv: ['true']}),
      options(join(dir, 'file'), {kind: 'argv', argv: ['true']}),
      options(dir, {kind: 'argv', argv: ['sleep', '5']}, {timeoutMs: 200}),
      options(dir, {kind: 'argv', argv: ['./bin/no-shebang', 'a']}),
      options(dir, {kind: 'argv', argv: ['no-shebang', 'b']}, {env: {...env, PATH: `${join(dir, 'bin')}:${env['PATH']}`}}),
    ];
    const byMode: Record<string, unknown[]> = {};
    for (const mode of MODES) {
      const h = helpers(mode, env);
      byMode[mode] = [];
      for (const o of cases) byMode[mode]!.push(facts(await run(h, o)));
    }
    expect(byMode['direct']).toMatchObject([
      {outcome: 'exit_nonzero', exitCode: 3, tail: 'out\nerr\n'},
      {outcome: 'exit_nonzero', signal: 'SIGKILL'},
      {outcome: 'exit_nonzero', signal: 'SIGTERM'},
      {outcome: 'ok', tail: `${join(dir, 'sub')}\nkept/unset/a=b\neof\n`},
      {outcome: 'spawn_error', message: expect.stringMatching(/^Command not found: "no-such-program-xyz"/)},
      {outcome: 'spawn_error', message: expect.stringMatching(/not executable/)},
      {outcome: 'spawn_error', message: expect.stringMatching(/does not exist/)},
      {outcome: 'spawn_error', message: expect.stringMatching(/is not a folder/)},
      {outcome: 'timeout', message: 'Command timed out after N milliseconds: sleep 5'},
      {outcome: 'ok', tail: 'no shebang a\n'},
      {outcome: 'ok', tail: 'no shebang b\n'},
    ]);
    for (const mode of MODES.filter((m) => m !== 'direct')) expect(byMode[mode], mode).toEqual(byMode['direct']);
  });
});

describe('spawn modes: a helper that dies', () => {
  for (const mode of MODES.filter((m) => m !== 'direct')) {
    test(`${mode}: fails only its command, which goes with its group, and the next command gets a fresh helper`, async () => {
      const dir = tempFolder();
      const h = helpers(mode);
      let pid = 0;
      const running = h.run(options(dir, {kind: 'argv', argv: ['sleep', '30']}, {onSpawn: (p) => (pid = p)}))!;
      while (pid === 0) await new Promise((r) => setTimeout(r, 5));
      const helperPid = ppid(pid);
      process.kill(helperPid, 'SIGKILL');
      const r = await running;
      expect(r).toMatchObject({outcome: 'spawn_error', message: 'the spawn helper stopped unexpectedly while running: sleep 30'});
      while (alive(pid)) await new Promise((r) => setTimeout(r, 10));
      const next = await run(h, options(dir, {kind: 'shell', script: 'echo again'}));
      expect(facts(next)).toMatchObject({outcome: 'ok', tail: 'again\n'});
    });
  }
});
