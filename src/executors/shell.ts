import type {Diagnostic, Plan, Task} from '../model/index.js';
import {secretValues} from './agent-redact.js';
import {runChild, type ChildOptions} from './child-process.js';
import {ShellHelpers} from './shell-helpers.js';
import type {ExecutionRequest, ExecutionResult, Executor} from './executor.js';

export interface ShellExecutorOptions {
  /** Time between SIGTERM and SIGKILL on timeout or cancel. @default 5000 */
  readonly killGraceMs?: number;
  /** Cap of an attempt's log file. @default 10 MB */
  readonly maxLogBytes?: number;
  /**
   * How commands are started: through long-lived spawn helpers (the default; several times faster for short
   * commands, see `ShellHelpers`), or `false` for Node's `spawn` of each command. The default helpers follow
   * PARAPLAN_SPAWN (c, perl or direct, see `spawnMode`); without a compiled helper or perl, commands are spawned
   * directly whatever this says.
   */
  readonly helpers?: ShellHelpers | false;
}

/**
 * Runs a task's `run` command: an argv list without a shell, or `{shell: ...}` with `/bin/sh -c`. The command
 * runs in its own process group; a timeout or a cancel terminates the whole group (SIGTERM, then SIGKILL).
 */
export function shellExecutor(options: ShellExecutorOptions = {}): Executor {
  const helpers = options.helpers === false ? undefined : (options.helpers ?? new ShellHelpers());
  return {
    kind: 'shell',
    async preflight(tasks: readonly Task[], _plan: Plan): Promise<Diagnostic[]> {
      // Commands that are missing show up as a spawn_error of their task (a run may create them first).
      return tasks
        .filter((t) => !t.gate && t.run === undefined)
        .map((t) => ({
          severity: 'error' as const,
          code: 'nothing-to-run',
          message: `task "${t.id}" has nothing to run: add run: (a command), agent: (a coding agent) or gate: true (a milestone)`,
          ...(t.location ? {location: t.location} : {}),
        }));
    },
    async execute(request: ExecutionRequest): Promise<ExecutionResult> {
      const command = request.task.run;
      if (!command) throw new Error(`Internal error: the shell executor got task "${request.task.id}", which has no command`);
      const child: ChildOptions = {
        command,
        cwd: request.cwd,
        env: request.env,
        logPath: request.logPath,
        signal: request.signal,
        ...(request.timeoutMs !== undefined ? {timeoutMs: request.timeoutMs} : {}),
        ...(options.killGraceMs !== undefined ? {killGraceMs: options.killGraceMs} : {}),
        ...(options.maxLogBytes !== undefined ? {maxLogBytes: options.maxLogBytes} : {}),
        ...(request.onSpawn ? {onSpawn: request.onSpawn} : {}),
        secrets: secretValues(request.env),
      };
      const r = (await helpers?.run(child)) ?? (await runChild(child));
      return {
        outcome: r.outcome,
        exitCode: r.exitCode,
        ...(r.signal ? {signal: r.signal} : {}),
        ...(r.pid !== undefined ? {pid: r.pid} : {}),
        durationMs: r.durationMs,
        outputTail: r.outputTail,
        ...(r.message ? {message: r.message} : {}),
      };
    },
  };
}
