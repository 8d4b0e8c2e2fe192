/** The module `paraplan run` loads for `llm` tasks (see src/cli/commands/run.ts `loadExecutor`). */
export {llmExecutor, type LlmExecutorOptions} from './llm.js';
