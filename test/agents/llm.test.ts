import {mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {llmExecutor, retryAfterMs} from '../../src/executors/llm.js';
import {FAKE_PRICE, startOpenAiServer, type FakeOpenAiServer} from '../helpers/openai-server.js';
import {plan, request, tempDir} from './rig.js';

const KEY = 'sk-or-v1-test-0123456789';
let server: FakeOpenAiServer;
beforeAll(async () => {
  server = await startOpenAiServer({apiKey: KEY});
});
afterAll(() => server.close());
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});
function workdir(): string {
  const t = tempDir('paraplan-llm-');
  cleanups.push(t.cleanup);
  const cwd = join(t.dir, 'work');
  mkdirSync(cwd);
  return cwd;
}

/** Waits are recorded, not slept: the test checks that Retry-After was honoured without taking a second. */
const waits: number[] = [];
const executor = llmExecutor({sleep: async (ms) => void waits.push(ms), backoffMs: 10});

function llmPlan(cwd: string, model: string, extra = ''): ReturnType<typeof plan> {
  return plan(cwd, `name: p\nexecutors:\n  api: {kind: llm, baseURL: '${server.url}', model: '${model}'${extra}}\ntasks:\n  - {id: t, title: Summarize, agent: api, instructions: '@@answer Hello there.'}\n`);
}
const env = {OPENROUTER_API_KEY: KEY};

describe('llm executor', () => {
  it('streams a completion and records the answer, tokens and cost', async () => {
    const cwd = workdir();
    const r = await executor.execute(request(llmPlan(cwd, 'fake/echo'), 't', cwd, {env}));
    expect(r).toMatchObject({outcome: 'ok', exitCode: 0, result: 'Hello there.'});
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({model: 'fake/echo', stream: true, authorization: `Bearer ${KEY}`});
    expect(sent.headers['x-title']).toBe('paraplan');
    const prompt = (sent.body['messages'] as {content: string}[])[0]!.content;
    const input = Math.ceil(prompt.length / 4);
    expect(r.usage).toEqual({inputTokens: input, outputTokens: 3, costUsd: Number((input * FAKE_PRICE.input + 3 * FAKE_PRICE.output).toFixed(9)), model: 'fake/echo'});
  });

  it('works without streaming too, and saves the response to a file in the task folder', async () => {
    const cwd = workdir();
    const r = await executor.execute(request(llmPlan(cwd, 'fake/echo', ', stream: false, output: docs/summary.md'), 't', cwd, {env}));
    expect(r).toMatchObject({outcome: 'ok', result: 'Hello there.', usage: {outputTokens: 3}});
    expect(server.requests.at(-1)!.stream).toBe(false);
    expect(readFileSync(join(cwd, 'docs/summary.md'), 'utf8')).toBe('Hello there.\n');
  });

  it('retries a 429 after its Retry-After and a 500 with backoff, then succeeds', async () => {
    const cwd = workdir();
    waits.length = 0;
    const a = await executor.execute(request(llmPlan(cwd, 'fake/429-then-ok'), 't', cwd, {env}));
    const b = await executor.execute(request(llmPlan(cwd, 'fake/500-then-ok'), 't', cwd, {env}));
    expect([a.outcome, b.outcome]).toEqual(['ok', 'ok']);
    expect(waits).toEqual([1000, 10]);
    expect(server.requests.filter((q) => q.model === 'fake/429-then-ok').map((q) => q.answered)).toEqual(['429', 'ok']);
  });

  it('gives up after its retries and says the API is rate-limited', async () => {
    const cwd = workdir();
    const r = await executor.execute(request(llmPlan(cwd, 'fake/always-429', ', maxRetries: 2'), 't', cwd, {env}));
    expect(r.outcome).toBe('exit_nonzero');
    expect(r.message).toBe('LLM request failed after 3 tries: 429: Rate limit exceeded: free-models-per-min');
    expect(r.limited?.reason).toContain('429');
    const long = await executor.execute(request(llmPlan(cwd, 'fake/retry-after-3600'), 't', cwd, {env}));
    expect(long.limited?.until).toBeGreaterThan(Date.now() + 3_000_000);
  });

  it('fails without retrying on 402 and on malformed bodies, streaming or not', async () => {
    const cwd = workdir();
    const credits = await executor.execute(request(llmPlan(cwd, 'fake/402'), 't', cwd, {env}));
    expect(credits).toMatchObject({outcome: 'exit_nonzero', message: 'LLM request failed: 402: Insufficient credits', limited: {reason: '402: Insufficient credits'}});
    for (const stream of ['true', 'false']) {
      const bad = await executor.execute(request(llmPlan(cwd, 'fake/malformed', `, stream: ${stream}`), 't', cwd, {env}));
      expect(bad.outcome).toBe('exit_nonzero');
      expect(bad.message).toMatch(/malformed response/);
    }
  });

  it('retries an error chunk that arrives mid-stream', async () => {
    const cwd = workdir();
    const r = await executor.execute(request(llmPlan(cwd, 'fake/midstream-error', ', maxRetries: 1'), 't', cwd, {env}));
    expect(r.outcome).toBe('exit_nonzero');
    expect(r.message).toBe('LLM request failed after 2 tries: stream error: Provider returned error');
  });

  it('fails a truncated response', async () => {
    const cwd = workdir();
    const r = await executor.execute(request(llmPlan(cwd, 'fake/truncated'), 't', cwd, {env}));
    expect(r.outcome).toBe('exit_nonzero');
    expect(r.message).toMatch(/finish_reason "length"/);
  });

  it('times out a slow response and can be cancelled', async () => {
    const cwd = workdir();
    const p = llmPlan(cwd, 'fake/slow');
    const slow = await executor.execute(request(p, 't', cwd, {env, timeoutMs: 300}));
    expect(slow).toMatchObject({outcome: 'timeout', message: 'LLM request timed out after 300 milliseconds: fake/slow'});
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const cancelled = await executor.execute(request(p, 't', cwd, {env, signal: controller.signal}));
    expect(cancelled.outcome).toBe('cancelled');
  });

  it('keeps the API key out of the log and the result', async () => {
    const cwd = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  api: {kind: llm, baseURL: '${server.url}', model: fake/echo}\ntasks:\n  - {id: t, agent: api, instructions: '@@answer your key is ${KEY}'}\n`);
    const req = request(p, 't', cwd, {env});
    const r = await executor.execute(req);
    expect(r.result).toBe('your key is ***');
    expect(readFileSync(req.logPath, 'utf8')).not.toContain(KEY);
    const wrong = await executor.execute(request(p, 't', cwd, {env: {OPENROUTER_API_KEY: 'sk-wrong-key-123'}}));
    expect(wrong.message).toBe('LLM request failed: 401: No auth credentials found');
  });

  it('preflight reports a missing key and a missing model for each task', async () => {
    const cwd = workdir();
    const p = plan(cwd, `name: p\nexecutors:\n  api: {kind: llm, apiKeyEnv: MY_LLM_KEY}\ntasks:\n  - {id: a, agent: api}\n  - {id: b, agent: api, model: x/y}\n`);
    const diags = await executor.preflight!([...p.tasks.values()], p, {});
    expect(diags.map((d) => `${d.code}: ${d.message}`)).toEqual([
      'api-key-missing: task "a": executor "api" reads its API key from MY_LLM_KEY, which is not set',
      'llm-model-missing: task "a": executor "api" has no model; set executors.api.model or the task\'s model',
      'api-key-missing: task "b": executor "api" reads its API key from MY_LLM_KEY, which is not set',
    ]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs(new Headers({'retry-after': '2'}))).toBe(2000);
    expect(retryAfterMs(new Headers({'retry-after': new Date(10_000).toUTCString()}), 4000)).toBe(6000);
    expect(retryAfterMs(new Headers({'retry-after-ms': '150'}))).toBe(150);
    expect(retryAfterMs(new Headers())).toBeUndefined();
  });
});
