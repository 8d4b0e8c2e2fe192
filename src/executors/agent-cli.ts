/** The module `paraplan run` loads for `agent` tasks (see src/cli/commands/run.ts `loadExecutor`). */
export {agentExecutor, type AgentExecutorOptions} from './agent.js';
