import type {Diagnostic, ExecutorKind, Plan, Task, VerifyResult} from '../model/index.js';
import type {ExecutionRequest, ExecutionResult, Executor} from '../executors/executor.js';
import type {VerifyRequest} from '../executors/verify.js';

/**
 * Where attempts are carried out. The engine decides what runs when (the state machine, slots, pools); a
 * dispatcher only runs one attempt's command and its verify commands. Implementations: in this process
 * (`localDispatcher`); later a queue (BullMQ) whose workers run on other machines, with the same engine.
 */
export interface Dispatcher {
  /** The executor kinds it can run. */
  readonly kinds: ReadonlySet<ExecutorKind>;
  /** Checks, before a run, that the tasks can be carried out (see `Executor.preflight`). */
  preflight(tasks: readonly Task[], plan: Plan, env: Readonly<Record<string, string | undefined>>): Promise<Diagnostic[]>;
  execute(request: ExecutionRequest): Promise<ExecutionResult>;
  verify(request: VerifyRequest): Promise<VerifyResult>;
}

export interface LocalDispatcherOptions {
  readonly executors: ReadonlyMap<ExecutorKind, Executor>;
  /** Runs a verify command (`runVerify` from executors, with the run's kill grace). */
  readonly verify: (request: VerifyRequest) => Promise<VerifyResult>;
}

/** Runs attempts in this process with the given executors. */
export function localDispatcher(options: LocalDispatcherOptions): Dispatcher {
  const {executors} = options;
  return {
    kinds: new Set(executors.keys()),
    async preflight(tasks, plan, env) {
      const out: Diagnostic[] = [];
      for (const [kind, executor] of executors) {
        const mine = tasks.filter((t) => plan.executors.get(t.executor)?.kind === kind);
        if (mine.length > 0 && executor.preflight) out.push(...(await executor.preflight(mine, plan, env)));
      }
      return out;
    },
    execute(request) {
      const executor = executors.get(request.profile.kind);
      if (!executor) throw new Error(`Internal error: no executor of kind ${request.profile.kind} (preflight should have refused the run)`);
      return executor.execute(request);
    },
    verify: options.verify,
  };
}
