import {spawn} from 'node:child_process';

/** How a setup or verify command ended. */
export interface CommandOutcome {
  readonly exitCode: number | null;
  readonly signal?: string;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly durationMs: number;
  /** The last 4000 characters of stdout and stderr, interleaved as they came. */
  readonly outputTail: string;
}

const TAIL = 4000;

/**
 * Runs an argv (or `/bin/sh -c script` when the plan asked for a shell) in its own process group, so a timeout or
 * a cancel kills everything it started: SIGTERM, then SIGKILL after 2 seconds.
 */
export function runCommand(
  command: {readonly kind: 'argv'; readonly argv: readonly string[]} | {readonly kind: 'shell'; readonly script: string},
  options: {cwd: string; env?: Readonly<Record<string, string | undefined>>; timeoutMs?: number; signal?: AbortSignal},
): Promise<CommandOutcome> {
  const [file, ...args] = command.kind === 'argv' ? command.argv : ['/bin/sh', '-c', command.script];
  const started = Date.now();
  return new Promise((resolve) => {
    let tail = '';
    let timedOut = false;
    let cancelled = false;
    const add = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-TAIL);
    };
    if (options.signal?.aborted) {
      resolve({exitCode: null, timedOut: false, cancelled: true, durationMs: 0, outputTail: ''});
      return;
    }
    const child = spawn(file!, args, {cwd: options.cwd, env: {...(options.env ?? process.env)}, detached: true, stdio: ['ignore', 'pipe', 'pipe']});
    child.stdout.on('data', add);
    child.stderr.on('data', add);
    let killTimer: NodeJS.Timeout | undefined;
    const kill = (): void => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      killTimer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 2000);
      killTimer.unref();
    };
    const onAbort = (): void => {
      cancelled = true;
      kill();
    };
    options.signal?.addEventListener('abort', onAbort, {once: true});
    const timer =
      options.timeoutMs !== undefined
        ? setTimeout(() => {
            timedOut = true;
            kill();
          }, options.timeoutMs)
        : undefined;
    const finish = (exitCode: number | null, signal: string | null, extra = ''): void => {
      if (timer) clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({exitCode, ...(signal ? {signal} : {}), timedOut, cancelled, durationMs: Date.now() - started, outputTail: (tail + extra).slice(-TAIL)});
    };
    child.on('error', (e) => finish(null, null, `\n${e.message}`));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

/** `make test`, `/bin/sh -c '…'`: the command as shown in messages. */
export function commandLabel(command: {readonly kind: 'argv'; readonly argv: readonly string[]} | {readonly kind: 'shell'; readonly script: string}): string {
  return command.kind === 'argv' ? command.argv.join(' ') : command.script;
}
