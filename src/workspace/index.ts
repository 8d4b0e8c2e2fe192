export type {TaskWorkspace, WorkspaceChanges, WorkspaceProvider} from './workspace.js';
export {gitWorktreeProvider, WorkspaceError, changesSince, type GitWorktreeProvider, type GitWorktreeProviderOptions, type WorkspaceErrorReason} from './worktree.js';
export {mergeTrain, predictConflicts, planVerifier, type MergeTrainOptions, type MergeTrainResult, type MergeVerify, type PredictedConflict, type TrainBranch, type TrainStep} from './merge-train.js';
export {conflictingTasks} from './conflicts.js';
export {cleanWorktrees, type CleanOptions, type CleanResult} from './clean.js';
export {
  workspaceSettings,
  mergeSettings,
  keepWorktree,
  fillTemplate,
  DEFAULT_WORKSPACE_SETTINGS,
  DEFAULT_MERGE_SETTINGS,
  type WorkspaceSettings,
  type MergeSettings,
  type CleanupPolicy,
  type SetupCommand,
} from './settings.js';
export {git, gitText, gitToplevel, GitError, Mutex, repoLock, refSafe, slugify, type GitOutput, type GitOptions} from './git.js';
export {runCommand, type CommandOutcome} from './run-command.js';
