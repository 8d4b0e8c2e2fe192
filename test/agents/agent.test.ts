import {existsSync, mkdirSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {agentExecutor} from '../../src/executors/agent.js';
import {redactSecrets} from '../../src/executors/agent-redact.js';
import {taskId} from '../../src/model/index.js';
import {FAKE_PATH, plan, request, tempDir} from './rig.js';

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function workdir(): {root: string; cwd: string; record: string} {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const cwd = join(t.dir, 'work');
  mkdirSync(cwd);
  return {root: t.dir, cwd, record: join(t.dir, 'record')};
}
function recorded(record: string): {cli: string; argv: string[]; prompt: string; cwd: string}[] {
  return readdirSync(record).map((f) => JSON.parse(readFileSync(join(record, f), 'utf8')) as {cli: string; argv: string[]; prompt: string; cwd: string});
}

const executor = agentExecutor({killGraceMs: 200});

describe('agent executor presets', () => {
  const cases: {preset: string; input: number | 'prompt'; output: number; cost: number | undefined}[] = [
    {preset: 'claude', input: 'prompt', output: 42, cost: 0.0125},
    {preset: 'codex', input: 'prompt', output: 42, cost: undefined},
    {preset: 'gemini', input: 'prompt', output: 42, cost: undefined},
    {preset: 'aider', input: 'prompt', output: 42, cost: 0.0125},
    {preset: 'opencode', input: 'prompt', output: 42, cost: 0.0125},
    {preset: 'cursor', input: 'prompt', output: 0, cost: undefined},
  ];
  for (const c of cases) {
    it(`runs ${c.preset} headless: the agent edits files, its answer and usage are read from its output`, async () => {
      const {cwd, record} = workdir();
      const p = plan(cwd, `name: p\ntasks:\n  - id: t\n    title: Write the file\n    agent: ${c.preset}\n    instructions: |\n      @@write notes/out.txt hello from ${c.preset}\n      @@answer All done.\n`);
      const result = await executor.execute(request(p, 't', cwd, {env: {PATH: FAKE_PATH, FAKE_AGENT_RECORD: record}}));
      expect(result.message).toBeUndefined();
      expect(result).toMatchObject({outcome: 'ok', exitCode: 0});
      expect(readFileSync(join(cwd, 'notes/out.txt'), 'utf8')).toBe(`hello from ${c.preset}\n`);
      expect(result.result).toContain('All done.');
      const [call] = recorded(record);
      expect(call!.cwd).toBe(cwd);
      if (c.preset === 'claude') expect(result.usage).toEqual({inputTokens: call!.prompt.length + 100, outputTokens: 42, costUsd: 0.0125, model: 'claude-fake-1'});
      else if (c.preset === 'aider') expect(result.usage).toMatchObject({outputTokens: 42, costUsd: 0.0125});
      else if (c.preset === 'opencode') expect(result.usage).toEqual({inputTokens: call!.prompt.length + 10, outputTokens: 42, costUsd: 0.0125});
      else if (c.preset !== 'cursor') expect(result.usage).toMatchObject({inputTokens: call!.prompt.length, outputTokens: c.output});
      else expect(result.usage?.outputTokens ?? 0).toBe(c.output);
      if (c.cost === undefined) expect(result.usage?.costUsd).toBeUndefined();
    });
  }

  it('passes hostile titles and instructions to the agent verbatim, never through a shell', async () => {
    const {root, cwd, record} = workdir();
    const hostile = ['$(touch pwned1)', '`touch pwned2`', '; touch pwned3', '&& rm -rf ..', "' \"; touch pwned4 #"];
    const yaml = `name: p\ntasks:\n${['claude', 'codex', 'aider', 'opencode', 'gemini', 'cursor']
      .map((a, i) => `  - id: t${i}\n    title: ${JSON.stringify(`-rf ${hostile.join(' ')}`)}\n    agent: ${a}\n    instructions: ${JSON.stringify(hostile.join('\n'))}\n`)
      .join('')}`;
    const p = plan(cwd, yaml);
    for (const t of p.tasks.values()) {
      const result = await executor.execute(request(p, t.id, cwd, {env: {PATH: FAKE_PATH, FAKE_AGENT_RECORD: record}}));
      expect(result.outcome).toBe('ok');
    }
    const calls = recorded(record);
    expect(calls).toHaveLength(6);
    for (const call of calls) for (const h of hostile) expect(call.prompt).toContain(h);
    const everything = [...readdirSync(root, {recursive: true}), ...readdirSync(process.cwd())].map(String);
    expect(everything.filter((f) => f.includes('pwned'))).toEqual([]);
  });

  it('builds the prompt from title, instructions, criteria, returns and what the dependencies returned', async () => {
    const {cwd, record} = workdir();
    const p = plan(
      cwd,
      `name: prompts\ntasks:\n  - {id: up, title: Upstream}\n  - id: t\n    title: Use the upstream\n    agent: claude\n    needs: [up]\n    instructions: Do the thing.\n    criteria: [Tests pass]\n    verify: [[npm, test]]\n    returns: The list of changed files\n`,
    );
    await executor.execute(request(p, 't', cwd, {env: {PATH: FAKE_PATH, FAKE_AGENT_RECORD: record}, upstream: [{task: taskId('up'), title: 'Upstream', result: 'Created src/db.ts'}]}));
    const prompt = recorded(record)[0]!.prompt;
    expect(prompt).toContain('# Task t: Use the upstream');
    expect(prompt).toContain('## Instructions\n\nDo the thing.');
    expect(prompt).toContain('- Tests pass\n- This command must exit 0 in the working folder: `npm test`');
    expect(prompt).toContain('Return: The list of changed files');
    expect(prompt).toContain('### up: Upstream\n\nCreated src/db.ts');
    expect(prompt).toContain('Do not commit');
  });

  it('treats a failure event as failure even when the agent exits 0 (aider), and an exit code as failure (claude)', async () => {
    const {cwd} = workdir();
    const p = plan(cwd, `name: p\ntasks:\n  - {id: a, agent: aider, instructions: '@@fail'}\n  - {id: c, agent: claude, instructions: '@@fail'}\n  - {id: x, agent: codex, instructions: '@@exit 1'}\n`);
    const a = await executor.execute(request(p, 'a', cwd));
    expect(a).toMatchObject({outcome: 'exit_nonzero', exitCode: 0});
    expect(a.message).toMatch(/^Agent exited with code 0 but reported failure: aider: litellm.APIError/);
    const c = await executor.execute(request(p, 'c', cwd));
    expect(c).toMatchObject({outcome: 'exit_nonzero', exitCode: 1});
    expect(c.message).toContain('claude: error_during_execution: the task could not be done');
    const x = await executor.execute(request(p, 'x', cwd));
    expect(x).toMatchObject({outcome: 'exit_nonzero', exitCode: 1});
  });

  it('reports usage limits so the engine can pause instead of retrying', async () => {
    const {cwd} = workdir();
    const p = plan(cwd, `name: p\ntasks:\n${['claude', 'codex', 'gemini', 'aider', 'opencode'].map((a) => `  - {id: ${a}, agent: ${a}, instructions: '@@limit'}\n`).join('')}  - {id: noresult, agent: claude, instructions: '@@noresult'}\n`);
    const claude = await executor.execute(request(p, 'claude', cwd));
    expect(claude.limited).toEqual({until: 1790006400_000, reason: 'claude: five_hour limit reached'});
    for (const id of ['codex', 'gemini', 'aider', 'opencode', 'noresult']) {
      const r = await executor.execute(request(p, id, cwd));
      expect(r.outcome, id).toBe('exit_nonzero');
      expect(r.limited?.reason, id).toMatch(/limit|quota/i);
    }
  });

  it('stops an agent that hangs silently, one that runs past its timeout, and one that is cancelled', async () => {
    const {cwd} = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  quiet: {kind: agent, preset: opencode, inactivityTimeout: 1s}\ntasks:\n  - {id: idle, agent: quiet, instructions: '@@hang'}\n  - {id: slow, agent: opencode, instructions: '@@hang'}\n`);
    const idle = await executor.execute(request(p, 'idle', cwd));
    expect(idle.outcome).toBe('timeout');
    expect(idle.message).toMatch(/^Agent printed nothing for 1000 milliseconds and was stopped/);
    const slow = await executor.execute(request(p, 'slow', cwd, {timeoutMs: 500}));
    expect(slow.outcome).toBe('timeout');
    expect(slow.message).toMatch(/^Agent timed out after 500 milliseconds/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const cancelled = await executor.execute(request(p, 'slow', cwd, {signal: controller.signal}));
    expect(cancelled.outcome).toBe('cancelled');
  });

  it('reports a missing agent program as spawn_error', async () => {
    const {cwd} = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  ghost: {kind: agent, preset: claude, binary: no-such-agent-xyz}\ntasks:\n  - {id: t, agent: ghost}\n`);
    const r = await executor.execute(request(p, 't', cwd));
    expect(r.outcome).toBe('spawn_error');
    expect(r.message).toContain('program "no-such-agent-xyz" not found');
  });

  it('never writes API keys to the log, the output tail or the result', async () => {
    const {cwd} = workdir();
    const secret = 'sk-or-v1-0123456789abcdef';
    const p = plan(cwd, `name: p\ntasks:\n  - {id: t, agent: claude, instructions: "@@leak OPENROUTER_API_KEY\\n@@leak GH_TOKEN\\n@@answer the key is ${secret}"}\n`);
    const req = request(p, 't', cwd, {env: {PATH: FAKE_PATH, OPENROUTER_API_KEY: secret, GH_TOKEN: 'ghp_abcdefghij'}});
    const r = await executor.execute(req);
    const log = readFileSync(req.logPath, 'utf8');
    for (const text of [log, r.outputTail, r.result ?? '']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('ghp_abcdefghij');
    }
    expect(log).toContain('debug: key is ***');
    expect(r.result).toBe('the key is ***');
    expect(redactSecrets('a sk-or-v1-0123456789abcdef b', {MY_SECRET: secret, SHORT_KEY: '1'})).toBe('a *** b');
  });

  it('stops an agent whose reported cost passes the task budget, and passes the budget to claude', async () => {
    const {cwd, record} = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  oc: {kind: agent, preset: opencode, budgetUsd: 0.001}\ntasks:\n  - {id: t, agent: oc, instructions: '@@cost 0.5'}\n  - {id: c, agent: claude, budgetUsd: 0.25}\n`);
    const r = await executor.execute(request(p, 't', cwd));
    expect(r.outcome).toBe('exit_nonzero');
    expect(r.message).toMatch(/^Agent stopped: budget exceeded, spent \$0\.2500 of \$0\.001/);
    await executor.execute(request(p, 'c', cwd, {env: {PATH: FAKE_PATH, FAKE_AGENT_RECORD: record}}));
    const argv = recorded(record)[0]!.argv;
    expect(argv.slice(argv.indexOf('--max-budget-usd'), argv.indexOf('--max-budget-usd') + 2)).toEqual(['--max-budget-usd', '0.25']);
  });

  it('runs any CLI from a generic template with the prompt as one argv element', async () => {
    const {cwd, record} = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  mine: {kind: agent, command: [text-agent, --model, '{model}', --prompt, '{prompt}'], model: m1}\ntasks:\n  - {id: t, agent: mine, title: 'x $(touch pwned)', instructions: '@@answer generic ok'}\n`);
    const r = await executor.execute(request(p, 't', cwd, {env: {PATH: FAKE_PATH, FAKE_AGENT_RECORD: record}}));
    expect(r).toMatchObject({outcome: 'ok', result: 'generic ok', usage: {model: 'm1'}});
    const call = recorded(record)[0]!;
    expect(call.argv.slice(0, 3)).toEqual(['--model', 'm1', '--prompt']);
    expect(call.argv[3]).toContain('# Task t: x $(touch pwned)');
    expect(existsSync(join(cwd, 'pwned'))).toBe(false);
  });
});

describe('agent preflight', () => {
  it('reports a missing binary, a missing API key and an unknown profile for every affected task', async () => {
    const {cwd} = workdir();
    const p = plan(
      cwd,
      `name: p\nexecutors:\n  ghost: {kind: agent, preset: codex, binary: no-such-codex}\n  keyed: {kind: agent, preset: aider, apiKeyEnv: OPENROUTER_API_KEY}\ntasks:\n  - {id: a, agent: ghost}\n  - {id: b, agent: ghost}\n  - {id: c, agent: keyed}\n  - {id: d, agent: claude}\n`,
    );
    const tasks = [...p.tasks.values()];
    const broken = {...tasks[3]!, executor: 'nope'};
    const diags = await executor.preflight!([...tasks, broken], p, {PATH: FAKE_PATH});
    expect(diags.map((d) => [d.code, d.message.slice(0, 12)])).toEqual([
      ['agent-binary-missing', 'task "a": ex'],
      ['agent-binary-missing', 'task "b": ex'],
      ['api-key-missing', 'task "c": ex'],
      ['unknown-executor', 'task "d": no'],
    ]);
    expect(diags[0]!.message).toBe('task "a": executor "ghost" needs the program "no-such-codex", which is not on PATH; install it or set executors.ghost.binary');
    expect(await executor.preflight!(tasks.slice(2, 4), p, {PATH: FAKE_PATH, OPENROUTER_API_KEY: 'x'})).toEqual([]);
  });
});
