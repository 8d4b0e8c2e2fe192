import type {Usage} from '../model/index.js';

/** What a preset builds a command from. */
export interface PresetContext {
  readonly prompt: string;
  /** The model: the task's `model` (extra field) or the profile's `model`. */
  readonly model?: string;
  /** The profile's options as written in the plan. */
  readonly options: Readonly<Record<string, unknown>>;
  /** The task's dollar budget for this attempt, for agents that enforce one themselves (Claude). */
  readonly budgetUsd?: number;
  readonly cwd: string;
}

/** The argv after the program name, and what goes to stdin. The prompt is in exactly one of them. */
export interface PresetCommand {
  readonly args: readonly string[];
  readonly stdin?: string;
  /** Extra environment for the agent. */
  readonly env?: Readonly<Record<string, string>>;
}

/** How an agent's run ended, read from its output. */
export interface AgentVerdict {
  /** The agent's terminal event said it succeeded (the exit code is checked separately). */
  readonly success: boolean;
  /** The final answer. */
  readonly result?: string;
  readonly usage: Usage;
  readonly limited?: {readonly until?: number; readonly reason: string};
  /** Why it failed, in the agent's words. */
  readonly error?: string;
}

/** Reads one attempt's stdout. */
export interface AgentOutputParser {
  /** One stdout line, unredacted. */
  line(line: string): void;
  /** Usage so far (for budgets watched while the agent runs). */
  usage(): Usage;
  finish(exit: {readonly exitCode: number | null; readonly stderrTail: string}): AgentVerdict;
}

/** A headless agent CLI: how to call it and how to read it. */
export interface AgentPreset {
  readonly name: string;
  /** The program looked up on PATH; a profile's `binary` overrides it. */
  readonly binary: string;
  command(ctx: PresetContext): PresetCommand;
  parser(): AgentOutputParser;
}

// ---------------------------------------------------------------------------------------------------------------
// helpers

function json(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
const obj = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/\s+/).filter((x) => x) : []);
function usageOf(input: number | undefined, output: number | undefined, cost: number | undefined, model: string | undefined): Usage {
  return {...(input !== undefined ? {inputTokens: input} : {}), ...(output !== undefined ? {outputTokens: output} : {}), ...(cost !== undefined ? {costUsd: cost} : {}), ...(model ? {model} : {})};
}
/** Extra argv from the profile's `args` (a list, or a string of words). */
function extraArgs(ctx: PresetContext): string[] {
  return strings(ctx.options['args']);
}
function modelArgs(flag: string, ctx: PresetContext): string[] {
  return ctx.model ? [flag, ctx.model] : [];
}
function limitText(text: string, re: RegExp): string | undefined {
  const m = re.exec(text);
  return m ? text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 80).trim() : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Claude Code: `claude -p --output-format stream-json --verbose`, prompt on stdin.

const CLAUDE_LIMIT = /usage limit reached|hit your limit|limit reached.*resets/i;

export const claudePreset: AgentPreset = {
  name: 'claude',
  binary: 'claude',
  command(ctx) {
    const o = ctx.options;
    const args = ['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', str(o['permissionMode']) ?? 'acceptEdits', ...modelArgs('--model', ctx)];
    const allowed = strings(o['allowedTools']);
    if (allowed.length) args.push('--allowedTools', allowed.join(','));
    const maxTurns = num(o['maxTurns']);
    if (maxTurns !== undefined) args.push('--max-turns', String(maxTurns));
    if (ctx.budgetUsd !== undefined) args.push('--max-budget-usd', String(ctx.budgetUsd));
    const system = str(o['appendSystemPrompt']);
    if (system) args.push('--append-system-prompt', system);
    return {args: [...args, ...extraArgs(ctx)], stdin: ctx.prompt};
  },
  parser() {
    let result: Record<string, unknown> | undefined;
    let lastText: string | undefined;
    let model: string | undefined;
    let limited: AgentVerdict['limited'];
    let assistantError: string | undefined;
    const plain: string[] = [];
    return {
      line(line) {
        const e = json(line);
        if (!e) {
          plain.push(line);
          return;
        }
        switch (e['type']) {
          case 'system':
            model = str(e['model']) ?? model;
            break;
          case 'assistant': {
            const message = obj(e['message']);
            const err = str(e['error']);
            if (err) {
              assistantError = err;
              if (err === 'rate_limit' || err === 'billing_error') limited = {reason: `claude: ${err}`};
            }
            const texts = (Array.isArray(message['content']) ? message['content'] : []).map(obj).filter((c) => c['type'] === 'text').map((c) => str(c['text']) ?? '');
            if (texts.length) lastText = texts.join('');
            break;
          }
          case 'rate_limit_event': {
            const info = obj(e['rate_limit_info']);
            if (info['status'] === 'rejected') {
              const resets = num(info['resetsAt']);
              limited = {...(resets !== undefined ? {until: resets * 1000} : {}), reason: `claude: ${str(info['rateLimitType']) ?? 'rate'} limit reached`};
            }
            break;
          }
          case 'result':
            result = e;
            break;
          default:
            break;
        }
      },
      usage() {
        const u = obj(result?.['usage']);
        const input = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'].map((k) => num(u[k]) ?? 0).reduce((a, b) => a + b, 0);
        return result ? usageOf(input, num(u['output_tokens']), num(result['total_cost_usd']) ?? num(result['cost_usd']), model) : usageOf(undefined, undefined, undefined, model);
      },
      finish({stderrTail}) {
        const usage = this.usage();
        if (!result) {
          const text = [...plain, stderrTail].join('\n');
          const limit = limitText(text, CLAUDE_LIMIT);
          return {success: false, usage, ...(limit ? {limited: limited ?? {reason: limit}} : limited ? {limited} : {}), error: limit ?? 'claude ended without a result event'};
        }
        const success = result['subtype'] === 'success' && result['is_error'] !== true;
        const answer = str(result['result']) ?? lastText;
        if (num(result['api_error_status']) === 429 || (!success && answer && CLAUDE_LIMIT.test(answer))) limited ??= {reason: answer ?? 'claude: rate limited'};
        return {
          success,
          ...(answer !== undefined ? {result: answer} : {}),
          usage,
          ...(limited ? {limited} : {}),
          ...(success ? {} : {error: `claude: ${str(result['subtype']) ?? 'error'}${assistantError ? ` (${assistantError})` : ''}${answer ? `: ${answer}` : ''}`}),
        };
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Codex: `codex exec --json --sandbox workspace-write --skip-git-repo-check -`, prompt on stdin.

const CODEX_LIMIT = /hit your usage limit|exceeded retry limit, last status: 429/i;

export const codexPreset: AgentPreset = {
  name: 'codex',
  binary: 'codex',
  command(ctx) {
    const o = ctx.options;
    return {args: ['exec', '--json', '--sandbox', str(o['sandbox']) ?? 'workspace-write', '--skip-git-repo-check', ...modelArgs('--model', ctx), ...extraArgs(ctx), '-'], stdin: ctx.prompt};
  },
  parser() {
    let answer: string | undefined;
    let usage: Usage = {};
    let completed = false;
    let failed: string | undefined;
    let lastError: string | undefined;
    return {
      line(line) {
        const e = json(line);
        if (!e) return;
        const type = e['type'];
        if (type === 'item.completed') {
          const item = obj(e['item']);
          if (item['type'] === 'agent_message') answer = str(item['text']) ?? answer;
        } else if (type === 'turn.completed') {
          completed = true;
          const u = obj(e['usage']);
          // Cumulative for the thread: take the last one, never sum.
          usage = usageOf(num(u['input_tokens']), num(u['output_tokens']), undefined, undefined);
        } else if (type === 'turn.failed') {
          failed = str(obj(e['error'])['message']) ?? 'turn failed';
        } else if (type === 'error') {
          lastError = str(e['message']) ?? lastError;
        }
      },
      usage: () => usage,
      finish({stderrTail}) {
        const text = [failed, lastError, stderrTail].filter(Boolean).join('\n');
        const limit = limitText(text, CODEX_LIMIT);
        const success = completed && failed === undefined;
        return {
          success,
          ...(answer !== undefined ? {result: answer} : {}),
          usage,
          ...(limit ? {limited: {reason: limit}} : {}),
          ...(success ? {} : {error: `codex: ${failed ?? lastError ?? 'no turn.completed event'}`}),
        };
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Gemini CLI: `gemini --output-format stream-json --approval-mode auto_edit`, prompt on stdin (non-TTY = headless).

const GEMINI_LIMIT = /RESOURCE_EXHAUSTED|exhausted your capacity|quota/i;

export const geminiPreset: AgentPreset = {
  name: 'gemini',
  binary: 'gemini',
  command(ctx) {
    const o = ctx.options;
    return {
      args: ['--output-format', 'stream-json', '--approval-mode', str(o['approvalMode']) ?? 'auto_edit', ...modelArgs('--model', ctx), ...extraArgs(ctx)],
      stdin: ctx.prompt,
      // Headless runs in a fresh worktree would otherwise stop with exit 55 (untrusted folder).
      env: {GEMINI_CLI_TRUST_WORKSPACE: 'true'},
    };
  },
  parser() {
    const deltas: string[] = [];
    let result: Record<string, unknown> | undefined;
    let model: string | undefined;
    return {
      line(line) {
        const e = json(line);
        if (!e) return;
        if (e['type'] === 'init') model = str(e['model']);
        else if (e['type'] === 'message' && e['role'] === 'assistant') deltas.push(str(e['content']) ?? '');
        else if (e['type'] === 'result') result = e;
      },
      usage() {
        const s = obj(result?.['stats']);
        return usageOf(num(s['input_tokens']), num(s['output_tokens']), undefined, model);
      },
      finish({stderrTail, exitCode}) {
        const error = obj(result?.['error']);
        const success = result?.['status'] === 'success';
        const errorText = [str(error['type']), str(error['message'])].filter(Boolean).join(': ');
        const limit = error['type'] === 'TerminalQuotaError' ? errorText : limitText(`${errorText}\n${stderrTail}`, GEMINI_LIMIT);
        const answer = deltas.join('');
        return {
          success,
          ...(answer ? {result: answer} : {}),
          usage: this.usage(),
          ...(limit ? {limited: {reason: limit}} : {}),
          ...(success ? {} : {error: `gemini: ${errorText || (exitCode === 55 ? 'untrusted folder (exit 55)' : exitCode === 53 ? 'turn limit reached (exit 53)' : 'no successful result event')}`}),
        };
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Aider: `aider --message=<prompt> --yes-always --no-auto-commits ...`. No JSON; exits 0 even when the LLM failed.

const AIDER_ERROR = /litellm\.\w+Error|not able to authenticate/;
const AIDER_LIMIT = /RateLimitError|rate limited you|insufficient credits|quota/i;

/** `12k` → 12000, `1.2M` → 1200000. */
function abbreviated(text: string): number {
  const m = /^([\d.]+)([kKmM]?)$/.exec(text);
  if (!m) return NaN;
  return Math.round(Number(m[1]) * (m[2] === 'k' || m[2] === 'K' ? 1e3 : m[2] === 'm' || m[2] === 'M' ? 1e6 : 1));
}

export const aiderPreset: AgentPreset = {
  name: 'aider',
  binary: 'aider',
  command(ctx) {
    // `--message=<prompt>` as one element: a prompt starting with "-" cannot be taken for a flag.
    return {
      args: ['--yes-always', '--no-auto-commits', '--no-pretty', '--no-fancy-input', '--no-stream', '--no-check-update', '--analytics-disable', '--no-show-model-warnings', ...modelArgs('--model', ctx), ...extraArgs(ctx), `--message=${ctx.prompt}`],
    };
  },
  parser() {
    const lines: string[] = [];
    let usage: Usage = {};
    return {
      line(line) {
        lines.push(line);
        // Session totals: the last line wins. "Tokens: 12k sent, 2.1k cache write, 8.4k cache hit, 512 received. Cost: $0.03 message, $0.11 session."
        const t = /Tokens:\s*(.+?)\s+sent,(?:.*?,)?\s*([\d.]+[kKmM]?)\s+received\./.exec(line);
        if (t) {
          let input = 0;
          for (const part of line.slice(line.indexOf('Tokens:') + 7, line.indexOf('received')).split(',')) {
            const m = /([\d.]+[kKmM]?)\s+(sent|cache write|cache hit)/.exec(part.trim());
            if (m) input += abbreviated(m[1]!);
          }
          const cost = /Cost:.*?\$([\d.]+)\s+session/.exec(line);
          usage = usageOf(input, abbreviated(t[2]!), cost ? Number(cost[1]) : undefined, undefined);
        }
      },
      usage: () => usage,
      finish({stderrTail}) {
        const text = [...lines, stderrTail].join('\n');
        const error = limitText(text, AIDER_ERROR);
        const limit = limitText(text, AIDER_LIMIT);
        return {success: error === undefined, result: lines.join('\n').trim(), usage, ...(limit ? {limited: {reason: limit}} : {}), ...(error ? {error: `aider: ${error}`} : {})};
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// OpenCode: `opencode run --format json --auto`, prompt on stdin.

const OPENCODE_LIMIT = /rate limit|quota|usage limit|insufficient credits/i;

export const opencodePreset: AgentPreset = {
  name: 'opencode',
  binary: 'opencode',
  command(ctx) {
    return {args: ['run', '--format', 'json', '--auto', ...modelArgs('--model', ctx), ...extraArgs(ctx)], stdin: ctx.prompt};
  },
  parser() {
    let texts: string[] = [];
    let input = 0;
    let output = 0;
    let cost = 0;
    let steps = 0;
    let lastReason: string | undefined;
    let error: Record<string, unknown> | undefined;
    return {
      line(line) {
        const e = json(line);
        if (!e) return;
        const part = obj(e['part']);
        switch (e['type']) {
          case 'step_start':
            texts = [];
            break;
          case 'text':
            texts.push(str(part['text']) ?? '');
            break;
          case 'step_finish': {
            steps++;
            const tokens = obj(part['tokens']);
            const cache = obj(tokens['cache']);
            input += (num(tokens['input']) ?? 0) + (num(cache['read']) ?? 0) + (num(cache['write']) ?? 0);
            output += (num(tokens['output']) ?? 0) + (num(tokens['reasoning']) ?? 0);
            cost += num(part['cost']) ?? 0;
            lastReason = str(part['reason']);
            break;
          }
          case 'error':
            error = e;
            break;
          default:
            break;
        }
      },
      usage: () => (steps ? usageOf(input, output, cost, undefined) : {}),
      finish({stderrTail}) {
        const err = obj(error?.['error']);
        const data = obj(err['data']);
        const errorText = str(data['message']) ?? str(error?.['message']) ?? str(err['name']);
        const limit = num(data['statusCode']) === 429 ? (errorText ?? 'rate limited') : limitText(`${errorText ?? ''}\n${stderrTail}`, OPENCODE_LIMIT);
        const success = error === undefined && lastReason === 'stop';
        const answer = texts.join('');
        return {
          success,
          ...(answer ? {result: answer} : {}),
          usage: this.usage(),
          ...(limit ? {limited: {reason: limit}} : {}),
          ...(success ? {} : {error: `opencode: ${errorText ?? (lastReason ? `last step ended with "${lastReason}"` : 'no finished step')}`}),
        };
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Cursor: `cursor-agent -p --output-format stream-json --force --trust <prompt>`. [?] Stdin support is not
// documented, so the prompt is one argv element after `--`.

export const cursorPreset: AgentPreset = {
  name: 'cursor',
  binary: 'cursor-agent',
  command(ctx) {
    return {args: ['-p', '--output-format', 'stream-json', '--force', '--trust', ...modelArgs('--model', ctx), ...extraArgs(ctx), '--', ctx.prompt]};
  },
  parser() {
    let result: Record<string, unknown> | undefined;
    let lastText: string | undefined;
    let model: string | undefined;
    return {
      line(line) {
        const e = json(line);
        if (!e) return;
        if (e['type'] === 'system') model = str(e['model']) ?? model;
        else if (e['type'] === 'assistant') {
          const texts = (Array.isArray(obj(e['message'])['content']) ? (obj(e['message'])['content'] as unknown[]) : []).map(obj).filter((c) => c['type'] === 'text');
          if (texts.length) lastText = texts.map((c) => str(c['text']) ?? '').join('');
        } else if (e['type'] === 'result') result = e;
      },
      usage() {
        const u = obj(result?.['usage']);
        return usageOf(num(u['inputTokens']), num(u['outputTokens']), undefined, model);
      },
      finish({stderrTail}) {
        const success = result !== undefined && result['is_error'] !== true;
        const answer = str(result?.['result']) ?? lastText;
        return {success, ...(answer !== undefined ? {result: answer} : {}), usage: this.usage(), ...(success ? {} : {error: `cursor: ${stderrTail.trim().split('\n').pop() || 'no result event'}`})};
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Generic: any CLI, from a template.

/** Plain text output: the answer is stdout; success is the exit code. */
export function textParser(): AgentOutputParser {
  const lines: string[] = [];
  return {
    line: (line) => void lines.push(line),
    usage: () => ({}),
    finish: () => ({success: true, result: lines.join('\n').trim().slice(-64_000), usage: {}}),
  };
}

/**
 * A generic agent from the profile's `command` template: an argv list (or a string of words) with placeholders
 * `{prompt}` (the prompt as one argv element), `{model}`, `{cwd}`. Without `{prompt}` the prompt goes to stdin.
 * `output` picks how stdout is read: `text` (default) or the name of a preset whose format the CLI speaks.
 */
export function genericPreset(options: Readonly<Record<string, unknown>>): AgentPreset {
  const template = strings(options['command']);
  const output = str(options['output']) ?? 'text';
  const like = output === 'text' ? undefined : AGENT_PRESET_TABLE[output];
  return {
    name: 'generic',
    binary: template[0] ?? '',
    command(ctx) {
      const fill = (a: string): string => a.replaceAll('{model}', ctx.model ?? '').replaceAll('{cwd}', ctx.cwd);
      const usesPrompt = template.some((a) => a.includes('{prompt}'));
      // {prompt} must be a whole element: splicing it into a larger one is fine too, but never re-split.
      const args = template.slice(1).map((a) => (a.includes('{prompt}') ? fill(a.split('{prompt}').join('\u0000')).split('\u0000').join(ctx.prompt) : fill(a)));
      return usesPrompt ? {args} : {args, stdin: ctx.prompt};
    },
    parser: () => (like ? like.parser() : textParser()),
  };
}

/** The built-in presets by name (AGENT_PRESETS in the model lists the same names). */
export const AGENT_PRESET_TABLE: Readonly<Record<string, AgentPreset>> = {
  claude: claudePreset,
  codex: codexPreset,
  gemini: geminiPreset,
  aider: aiderPreset,
  opencode: opencodePreset,
  cursor: cursorPreset,
};
