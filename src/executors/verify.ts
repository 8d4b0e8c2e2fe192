import {commandText, type VerifyCommand, type VerifyResult} from '../model/index.js';
import {secretValues} from './agent-redact.js';
import {runChild, type ChildOptions} from './child-process.js';

/**
 * One verify command to run after a task's command succeeded. The log is the attempt's: verify output is appended
 * after the command's, under a header.
 */
export type VerifyRequest = Pick<ChildOptions, 'cwd' | 'env' | 'logPath' | 'signal' | 'timeoutMs' | 'killGraceMs'> & {readonly command: VerifyCommand};

/** Runs a verify command like a task command (own process group, timeout, cancel) and returns its evidence. */
export async function runVerify(request: VerifyRequest): Promise<VerifyResult> {
  const text = commandText(request.command.command);
  const name = request.command.name ?? text;
  const r = await runChild({
    command: request.command.command,
    cwd: request.cwd,
    env: request.env,
    logPath: request.logPath,
    signal: request.signal,
    header: `--- verify: ${name} ---`,
    secrets: secretValues(request.env),
    ...(request.timeoutMs !== undefined ? {timeoutMs: request.timeoutMs} : {}),
    ...(request.killGraceMs !== undefined ? {killGraceMs: request.killGraceMs} : {}),
  });
  return {
    name,
    command: text,
    exitCode: r.outcome === 'spawn_error' ? null : r.exitCode,
    ...(r.signal ? {signal: r.signal} : {}),
    ...(r.outcome === 'timeout' ? {timedOut: true} : {}),
    durationMs: Math.round(r.durationMs),
    outputTail: r.message && r.outcome !== 'exit_nonzero' ? `${r.outputTail}` : r.outputTail,
  };
}
