export type {ExecutionRequest, ExecutionResult, Executor} from './executor.js';
export {shellExecutor, type ShellExecutorOptions} from './shell.js';
export {runVerify, type VerifyRequest} from './verify.js';
export {runChild, killGroup, killProcessTree, DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_LOG_BYTES, type ChildOptions, type ChildResult} from './child-process.js';
export {executorRegistry, type ExecutorRegistry} from './registry.js';
export {ShellHelpers} from './shell-helpers.js';
