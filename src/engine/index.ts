export {Engine, DEFAULT_AGENT_POOL_SLOTS, DEFAULT_LEASE_MS, type EngineError, type BudgetCheck, type EngineOptions, type FailureMode, type RunSummary, type RunTarget, type Selection} from './engine.js';
export {localDispatcher, type Dispatcher, type LocalDispatcherOptions} from './dispatcher.js';
export {decideTrigger, countFinished, emptyCounts, type DependencyCounts, type TriggerDecision} from './trigger.js';
export {backoffDelay, DEFAULT_BACKOFF, type BackoffOptions} from './backoff.js';
export {Deferred} from './deferred.js';
export {ReadyQueue} from './ready-queue.js';
