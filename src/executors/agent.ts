import {constants} from 'node:fs';
import {access, stat} from 'node:fs/promises';
import {delimiter, dirname, isAbsolute, join, resolve} from 'node:path';
import {parseDurationMs, type Diagnostic, type ExecutorProfile, type Plan, type Usage} from '../model/index.js';
import {AGENT_PRESET_TABLE, genericPreset, type AgentPreset} from './agent-presets.js';
import {runAgentProcess} from './agent-process.js';
import {redactor} from './agent-redact.js';
import {priced, pricingOf, taskBudgetUsd} from './agent-usage.js';
import {preflightProfile, type ExecutionRequest, type ExecutionResult, type Executor} from './executor.js';
import {buildPrompt} from './prompt.js';

export interface AgentExecutorOptions {
  /** Extra or replacement presets by name (tests, plug-ins). */
  readonly presets?: Readonly<Record<string, AgentPreset>>;
  /** Silence after which an agent is stopped, unless the profile sets `inactivityTimeout`. @default 900000 (15 min) */
  readonly inactivityMs?: number;
  /** @default 5000 */
  readonly killGraceMs?: number;
}

/** Default for a profile's `inactivityTimeout`: agents that hang silently on a spent quota (OpenCode) get stopped. */
export const DEFAULT_AGENT_INACTIVITY_MS = 15 * 60_000;

/**
 * Runs coding-agent CLIs (Claude Code, Codex, Gemini CLI, Aider, OpenCode, Cursor, or any CLI from a template) on a
 * prompt built from the task, without a shell, and reads their answer, tokens and cost.
 *
 * Profile options (the plan's `executors.<name>`): `preset`, `command` + `output` (generic), `binary`, `model`,
 * `args`, `env`, `apiKeyEnv`, `budgetUsd`, `pricing`, `inactivityTimeout`, and per preset: claude `permissionMode`,
 * `allowedTools`, `maxTurns`, `appendSystemPrompt`; codex `sandbox`; gemini `approvalMode`.
 */
export function agentExecutor(options: AgentExecutorOptions = {}): Executor {
  const table = {...AGENT_PRESET_TABLE, ...options.presets};
  const presetOf = (profile: ExecutorProfile): AgentPreset | undefined => {
    const name = typeof profile.options['preset'] === 'string' ? profile.options['preset'] : undefined;
    if (name === 'generic' || (name === undefined && profile.options['command'] !== undefined)) return genericPreset(profile.options);
    return table[name ?? profile.name];
  };

  return {
    kind: 'agent',

    async preflight(tasks, plan, env) {
      const out: Diagnostic[] = [];
      const binaries = new Map<string, Promise<boolean>>();
      for (const task of tasks) {
        const profile = preflightProfile(task, plan, 'agent', out);
        if (!profile) continue;
        const at = task.location ? {location: task.location} : {};
        const preset = presetOf(profile);
        if (!preset || preset.binary === '') {
          out.push({
            severity: 'error',
            code: 'unknown-preset',
            message: `task "${task.id}": executor "${profile.name}" has no known preset (${Object.keys(table).join(', ')}) and no command template; set preset: or command:`,
            ...at,
          });
          continue;
        }
        const binary = binaryOf(profile, preset, plan);
        let found = binaries.get(binary);
        if (!found) binaries.set(binary, (found = findProgram(binary, env['PATH'] ?? '')));
        if (!(await found)) {
          out.push({
            severity: 'error',
            code: 'agent-binary-missing',
            message: `task "${task.id}": executor "${profile.name}" needs the program "${binary}", which is not ${binary.includes('/') ? 'an executable file' : 'on PATH'}; install it or set executors.${profile.name}.binary`,
            ...at,
          });
        }
        for (const name of keyNames(profile)) {
          if (!env[name]) {
            out.push({severity: 'error', code: 'api-key-missing', message: `task "${task.id}": executor "${profile.name}" needs the environment variable ${name} (its apiKeyEnv), which is not set`, ...at});
          }
        }
      }
      return out;
    },

    async execute(request) {
      const {task, profile, plan} = request;
      const preset = presetOf(profile);
      const started = performance.now();
      if (!preset) {
        return {outcome: 'spawn_error', exitCode: null, durationMs: 0, outputTail: '', message: `executor "${profile.name}" has no known agent preset`};
      }
      const model = stringOption(task.extra['model']) ?? stringOption(profile.options['model']);
      const budgetUsd = taskBudgetUsd(task, profile);
      const prompt = buildPrompt({task, upstream: request.upstream, planName: plan.name, worktree: task.workspace === 'worktree'});
      const command = preset.command({prompt, ...(model ? {model} : {}), options: profile.options, ...(budgetUsd !== undefined ? {budgetUsd} : {}), cwd: request.cwd});
      const binary = binaryOf(profile, preset, plan);
      const parser = preset.parser();
      const pricing = pricingOf(profile.options);
      const env = {...request.env, ...command.env, ...envOption(profile.options['env'])};
      const redact = redactor(env);
      const inactivity = durationOption(profile.options['inactivityTimeout']) ?? options.inactivityMs ?? DEFAULT_AGENT_INACTIVITY_MS;
      const proc = await runAgentProcess({
        file: binary,
        args: command.args,
        ...(command.stdin !== undefined ? {stdin: command.stdin} : {}),
        cwd: request.cwd,
        env,
        logPath: request.logPath,
        signal: request.signal,
        ...(request.timeoutMs !== undefined ? {timeoutMs: request.timeoutMs} : {}),
        inactivityMs: inactivity,
        ...(options.killGraceMs !== undefined ? {killGraceMs: options.killGraceMs} : {}),
        redact,
        label: `${binary} (${preset.name}${model ? `, ${model}` : ''}; prompt ${command.stdin !== undefined ? 'on stdin' : 'in argv'}, ${prompt.length} chars)`,
        onLine: (line) => {
          parser.line(line);
          if (budgetUsd === undefined) return undefined;
          const cost = priced(parser.usage(), pricing).costUsd;
          return cost !== undefined && cost > budgetUsd ? `Agent stopped: budget exceeded, spent $${cost.toFixed(4)} of $${budgetUsd}` : undefined;
        },
        ...(request.onSpawn ? {onSpawn: request.onSpawn} : {}),
      });
      const verdict = parser.finish({exitCode: proc.exitCode, stderrTail: proc.stderrTail});
      const usage: Usage = priced({...verdict.usage, ...(verdict.usage.model === undefined && model ? {model} : {})}, pricing);
      const base = {
        exitCode: proc.exitCode,
        ...(proc.signal ? {signal: proc.signal} : {}),
        ...(proc.pid !== undefined ? {pid: proc.pid} : {}),
        durationMs: Math.round(performance.now() - started),
        outputTail: proc.outputTail,
        ...(verdict.result !== undefined ? {result: redact(verdict.result)} : {}),
        ...(Object.keys(usage).length ? {usage} : {}),
        ...(verdict.limited ? {limited: {...verdict.limited, reason: redact(verdict.limited.reason)}} : {}),
      };
      if (proc.outcome !== 'ok' && proc.outcome !== 'exit_nonzero') return {...base, outcome: proc.outcome, ...(proc.message ? {message: proc.message} : {})};
      if (proc.termination === 'stopped') return {...base, outcome: 'exit_nonzero', ...(proc.message ? {message: proc.message} : {})};
      if (proc.outcome === 'ok' && verdict.success) return {...base, outcome: 'ok'};
      // Success is the terminal event *and* the exit code: agents exit 0 on API errors, or 1 after a recovered one.
      const why = verdict.error ? redact(verdict.error).split('\n')[0]!.slice(0, 500) : undefined;
      const message = proc.outcome === 'ok' ? `Agent exited with code 0 but reported failure: ${why ?? 'no result'}` : `${proc.message}${why ? ` (${why})` : ''}`;
      return {...base, outcome: 'exit_nonzero', message} satisfies ExecutionResult;
    },
  };
}

/** The program to run: the profile's `binary` (relative paths from the plan's folder), else the preset's. */
function binaryOf(profile: ExecutorProfile, preset: AgentPreset, plan: Plan): string {
  const b = stringOption(profile.options['binary']) ?? preset.binary;
  if (b.includes('/') && !isAbsolute(b)) return resolve(plan.file ? dirname(resolve(plan.file)) : process.cwd(), b);
  return b;
}

function keyNames(profile: ExecutorProfile): string[] {
  const k = profile.options['apiKeyEnv'];
  return typeof k === 'string' ? [k] : Array.isArray(k) ? k.filter((x): x is string => typeof x === 'string') : [];
}

/** True when `program` is an executable file (a path) or found in one of PATH's folders. */
export async function findProgram(program: string, path: string): Promise<boolean> {
  const candidates = program.includes('/') ? [program] : path.split(delimiter).filter((d) => d !== '').map((d) => join(d, program));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      if ((await stat(c)).isFile()) return true;
    } catch {
      /* next */
    }
  }
  return false;
}

function stringOption(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function envOption(v: unknown): Record<string, string> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** `"10m"` or a number of minutes, like the plan's other durations. */
export function durationOption(v: unknown): number | undefined {
  if (typeof v === 'number' && v > 0) return v * 60_000;
  if (typeof v === 'string') return parseDurationMs(v);
  return undefined;
}

