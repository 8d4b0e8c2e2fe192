import {appendFileSync, mkdirSync} from 'node:fs';
import {mkdir, writeFile} from 'node:fs/promises';
import {dirname, isAbsolute, relative, resolve} from 'node:path';
import OpenAI from 'openai';
import type {Diagnostic, ExecutorProfile, Task, Usage} from '../model/index.js';
import {redactor} from './agent-redact.js';
import {priced, pricingOf} from './agent-usage.js';
import {preflightProfile, type ExecutionResult, type Executor} from './executor.js';
import {buildPrompt} from './prompt.js';

/** OpenRouter's OpenAI-compatible endpoint: the default `baseURL`. */
export const OPENROUTER_BASE_URL = 'https://openrouter.ai/api/v1';
/** The default `apiKeyEnv`. */
export const DEFAULT_LLM_KEY_ENV = 'OPENROUTER_API_KEY';

export interface LlmExecutorOptions {
  /** Waits between retries; a test seam. @default an abortable setTimeout */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** A `Retry-After` longer than this is not waited for: the attempt ends `limited` instead. @default 60000 */
  readonly maxRetryWaitMs?: number;
  /** First backoff when the server gives no `Retry-After`; doubles per retry. @default 1000 */
  readonly backoffMs?: number;
}

/**
 * The `llm` profile's options as read (`executors.<name>` in the plan). A task's extra fields `model`, `output`
 * and `budgetUsd` override the profile's.
 */
export interface LlmProfileOptions {
  /** @default OPENROUTER_BASE_URL */
  readonly baseURL: string;
  /** The environment variable holding the API key. @default 'OPENROUTER_API_KEY' */
  readonly apiKeyEnv: string;
  readonly model?: string;
  /** @default true */
  readonly stream: boolean;
  /** Retries on 408, 429, 5xx and connection errors, honouring Retry-After. @default 3 */
  readonly maxRetries: number;
  readonly temperature?: number;
  readonly maxTokens?: number;
  /** A system message. */
  readonly system?: string;
  /** Save the response to this file, relative to the task's folder (its worktree). */
  readonly output?: string;
  /** Extra HTTP headers (OpenRouter attribution: `HTTP-Referer`, `X-Title`). */
  readonly headers: Readonly<Record<string, string>>;
}

export function llmProfileOptions(profile: ExecutorProfile, task?: Task): LlmProfileOptions {
  const o = profile.options;
  const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const n = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const headers = o['headers'] !== null && typeof o['headers'] === 'object' ? Object.fromEntries(Object.entries(o['headers'] as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  const model = s(task?.extra['model']) ?? s(o['model']);
  const output = s(task?.extra['output']) ?? s(o['output']);
  const temperature = n(o['temperature']);
  const maxTokens = n(o['maxTokens']);
  const system = s(o['system']);
  return {
    baseURL: s(o['baseURL']) ?? s(o['baseUrl']) ?? OPENROUTER_BASE_URL,
    apiKeyEnv: s(o['apiKeyEnv']) ?? DEFAULT_LLM_KEY_ENV,
    ...(model ? {model} : {}),
    stream: o['stream'] !== false,
    maxRetries: Math.max(0, Math.floor(n(o['maxRetries']) ?? 3)),
    ...(temperature !== undefined ? {temperature} : {}),
    ...(maxTokens !== undefined ? {maxTokens} : {}),
    ...(system ? {system} : {}),
    ...(output ? {output} : {}),
    headers: {'HTTP-Referer': 'https://github.com/paraplan/paraplan', 'X-Title': 'paraplan', ...headers},
  };
}

type Attempt =
  | {readonly kind: 'ok'; readonly content: string; readonly finishReason: string | undefined; readonly usage: Usage}
  | {readonly kind: 'retry'; readonly status: number | undefined; readonly message: string; readonly retryAfterMs: number | undefined}
  | {readonly kind: 'fail'; readonly status: number | undefined; readonly message: string};

/**
 * Sends the task's prompt to an OpenAI-compatible chat-completions API (OpenRouter by default) through the official
 * SDK, streaming by default. Retries 408/429/5xx and dropped connections itself (the SDK's own retries are off, so
 * every wait is logged and honours `Retry-After`). The answer is the task's result, optionally saved to a file.
 */
export function llmExecutor(options: LlmExecutorOptions = {}): Executor {
  const sleep = options.sleep ?? abortableSleep;
  const maxWait = options.maxRetryWaitMs ?? 60_000;
  const backoff = options.backoffMs ?? 1000;

  return {
    kind: 'llm',

    async preflight(tasks, plan, env) {
      const out: Diagnostic[] = [];
      for (const task of tasks) {
        const profile = preflightProfile(task, plan, 'llm', out);
        if (!profile) continue;
        const at = task.location ? {location: task.location} : {};
        const o = llmProfileOptions(profile, task);
        if (!env[o.apiKeyEnv]) out.push({severity: 'error', code: 'api-key-missing', message: `task "${task.id}": executor "${profile.name}" reads its API key from ${o.apiKeyEnv}, which is not set`, ...at});
        if (!o.model) out.push({severity: 'error', code: 'llm-model-missing', message: `task "${task.id}": executor "${profile.name}" has no model; set executors.${profile.name}.model or the task's model`, ...at});
        if (!URL.canParse(o.baseURL)) out.push({severity: 'error', code: 'llm-base-url', message: `task "${task.id}": executor "${profile.name}": baseURL "${o.baseURL}" is not a URL`, ...at});
        if (o.output !== undefined && !insideFolder('/x', o.output)) {
          out.push({severity: 'error', code: 'llm-output-path', message: `task "${task.id}": output "${o.output}" must be a relative path inside the task's folder`, ...at});
        }
      }
      return out;
    },

    async execute(request) {
      const {task, profile} = request;
      const started = performance.now();
      const o = llmProfileOptions(profile, task);
      const redact = redactor(request.env);
      mkdirSync(dirname(request.logPath), {recursive: true});
      let tail = '';
      const log = (line: string): void => {
        const clean = `${redact(line)}\n`;
        tail = (tail + clean).slice(-4096);
        appendFileSync(request.logPath, clean);
      };
      const end = (r: Omit<ExecutionResult, 'durationMs' | 'outputTail'>): ExecutionResult => {
        if (r.message) log(`paraplan: ${r.message}`);
        return {...r, durationMs: Math.round(performance.now() - started), outputTail: tail};
      };
      const apiKey = request.env[o.apiKeyEnv];
      if (!apiKey) return end({outcome: 'spawn_error', exitCode: null, message: `the environment variable ${o.apiKeyEnv} (the API key of executor "${profile.name}") is not set`});
      if (!o.model) return end({outcome: 'spawn_error', exitCode: null, message: `executor "${profile.name}" has no model; set its model or the task's`});
      const model = o.model;
      const target = o.output !== undefined ? resolve(request.cwd, o.output) : undefined;
      if (o.output !== undefined && !insideFolder(request.cwd, o.output)) return end({outcome: 'spawn_error', exitCode: null, message: `output "${o.output}" is outside the task's folder`});

      const prompt = buildPrompt({task, upstream: request.upstream, planName: request.plan.name, ...(o.output ? {outputFile: o.output} : {})});
      const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [...(o.system ? [{role: 'system' as const, content: o.system}] : []), {role: 'user', content: prompt}];
      const timeout = request.timeoutMs !== undefined ? AbortSignal.timeout(request.timeoutMs) : undefined;
      const signal = timeout ? AbortSignal.any([request.signal, timeout]) : request.signal;
      const client = new OpenAI({apiKey, baseURL: o.baseURL, maxRetries: 0, timeout: 24 * 3_600_000, defaultHeaders: o.headers, logLevel: 'off'});
      log(`paraplan: llm ${model} at ${o.baseURL} (${o.stream ? 'streaming' : 'not streaming'}; prompt ${prompt.length} chars)`);
      const aborted = (): ExecutionResult | undefined => {
        if (timeout?.aborted && !request.signal.aborted) return end({outcome: 'timeout', exitCode: null, message: `LLM request timed out after ${request.timeoutMs} milliseconds: ${model}`});
        if (request.signal.aborted) return end({outcome: 'cancelled', exitCode: null, message: `LLM request was cancelled: ${model}`});
        return undefined;
      };

      for (let n = 0; ; n++) {
        const attempt = await send(client, {model, messages, o, signal, log});
        const stop = aborted();
        if (stop) return stop;
        if (attempt.kind === 'ok') {
          const usage = priced({...attempt.usage, model: attempt.usage.model ?? model}, pricingOf(profile.options));
          log(`paraplan: ${usage.inputTokens ?? '?'} input + ${usage.outputTokens ?? '?'} output tokens${usage.costUsd !== undefined ? `, $${usage.costUsd}` : ''}`);
          const result = redact(attempt.content);
          if (attempt.finishReason === 'length') return end({outcome: 'exit_nonzero', exitCode: null, result, usage, message: `LLM response was cut at the token limit (finish_reason "length"): ${model}`});
          if (attempt.finishReason === 'error' || attempt.finishReason === 'content_filter') return end({outcome: 'exit_nonzero', exitCode: null, result, usage, message: `LLM response ended with finish_reason "${attempt.finishReason}": ${model}`});
          if (attempt.content.trim() === '') return end({outcome: 'exit_nonzero', exitCode: null, usage, message: `LLM returned an empty response: ${model}`});
          log(result);
          if (target) {
            await mkdir(dirname(target), {recursive: true});
            await writeFile(target, attempt.content.endsWith('\n') ? attempt.content : `${attempt.content}\n`);
            log(`paraplan: response saved to ${o.output}`);
          }
          return end({outcome: 'ok', exitCode: 0, result, usage});
        }
        if (attempt.kind === 'retry' && n < o.maxRetries) {
          const wait = attempt.retryAfterMs ?? backoff * 2 ** n;
          if (wait > maxWait) {
            return end({outcome: 'exit_nonzero', exitCode: null, limited: {until: Date.now() + wait, reason: redact(attempt.message)}, message: `LLM API asked to wait ${Math.round(wait / 1000)} s (Retry-After), more than ${maxWait / 1000} s: ${redact(attempt.message)}`});
          }
          log(`paraplan: ${redact(attempt.message)}; retry ${n + 1} of ${o.maxRetries} in ${wait} ms`);
          await sleep(wait, signal).catch(() => undefined);
          const stopped = aborted();
          if (stopped) return stopped;
          continue;
        }
        const status = attempt.status;
        const limited = status === 429 || status === 402 ? {limited: {reason: redact(attempt.message)}} : {};
        const tries = n > 0 ? ` after ${n + 1} tries` : '';
        return end({outcome: 'exit_nonzero', exitCode: null, ...limited, message: `LLM request failed${tries}: ${redact(attempt.message)}`});
      }
    },
  };
}

async function send(
  client: OpenAI,
  {model, messages, o, signal, log}: {model: string; messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[]; o: LlmProfileOptions; signal: AbortSignal; log: (line: string) => void},
): Promise<Attempt> {
  const params = {
    model,
    messages,
    ...(o.temperature !== undefined ? {temperature: o.temperature} : {}),
    ...(o.maxTokens !== undefined ? {max_tokens: o.maxTokens} : {}),
  };
  try {
    if (!o.stream) {
      const response = await client.chat.completions.create({...params, stream: false}, {signal});
      const choice = (response as Partial<typeof response>).choices?.[0];
      const content = choice?.message?.content;
      if (typeof content !== 'string') return {kind: 'fail', status: 200, message: `malformed response: no choices[0].message.content in ${JSON.stringify(response).slice(0, 200)}`};
      return {kind: 'ok', content, finishReason: choice?.finish_reason ?? undefined, usage: usageOf(response.usage, response.model)};
    }
    const stream = await client.chat.completions.create({...params, stream: true, stream_options: {include_usage: true}}, {signal});
    let content = '';
    let finishReason: string | undefined;
    let usage: Usage = {};
    let served: string | undefined;
    for await (const chunk of stream) {
      served = chunk.model || served;
      const choice = chunk.choices?.[0];
      if (choice?.delta?.content) content += choice.delta.content;
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage) usage = usageOf(chunk.usage, served);
    }
    if (served && usage.model === undefined) usage = {...usage, model: served};
    return {kind: 'ok', content, finishReason, usage};
  } catch (e) {
    if (signal.aborted) return {kind: 'fail', status: undefined, message: 'aborted'};
    if (e instanceof OpenAI.APIError) {
      const status = e.status;
      // No status: the connection dropped, or an error chunk arrived mid-stream (OpenRouter's provider errors).
      const retryable = status === undefined || status === 408 || status === 429 || status >= 500;
      const message = `${status ?? 'stream error'}: ${e.message.replace(/^\d+\s+/, '')}`;
      log(`paraplan: ${message}`);
      return retryable ? {kind: 'retry', status, message, retryAfterMs: retryAfterMs(e.headers)} : {kind: 'fail', status, message};
    }
    // The SDK throws a SyntaxError (or its own error) on bodies that are not JSON.
    return {kind: 'fail', status: 200, message: `malformed response: ${(e as Error).message}`};
  }
}

function usageOf(u: OpenAI.Completions.CompletionUsage | null | undefined, model: string | undefined): Usage {
  if (!u) return model ? {model} : {};
  const cost = (u as unknown as Record<string, unknown>)['cost'];
  return {
    inputTokens: u.prompt_tokens,
    outputTokens: u.completion_tokens,
    ...(typeof cost === 'number' ? {costUsd: cost} : {}),
    ...(model ? {model} : {}),
  };
}

/** `Retry-After` in seconds or as an HTTP date, or `retry-after-ms`; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, {once: true});
  });
}

function insideFolder(folder: string, path: string): boolean {
  if (isAbsolute(path)) return false;
  const rel = relative(folder, resolve(folder, path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

