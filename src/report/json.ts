import type {Report} from './report.js';

/**
 * The report as JSON, for CI: the {@link Report} object as it is (`schemaVersion` 2), pretty-printed. Shape:
 *
 * ```
 * { schemaVersion: 2, generatedAt,                       // ms since the epoch
 *   run: {id, planName, planFile, status, startedAt, finishedAt, workers, resumes, only, from},
 *   plan: {status: 'matches'|'changed'|'missing'|'invalid'|'none', file, notes[]},
 *   summary: {tasks, byStatus{<TaskStatus>: n}, succeeded{total, verified, unverified, gates}, notFinished,
 *             attempts, attemptsByOutcome{<AttemptOutcome>|running: n}, succeededAfterRetry[],
 *             byPriority[{priority, total, succeeded, verified, failed, other, succeededRatio}],
 *             failures[{task, title, message, outcome, attempt, exitCode, verify[], logTail, logPath}],
 *             usage{costUsd, inputTokens, outputTokens, attemptsWithUsage}, changes{commits, filesChanged, insertions, deletions, tasksWithChanges}},
 *   time: {wallMs, wallEnd, spanMs, idleMs, sessions[{startedAt, endedAt, end, ms}], taskTimeMs, speedup, parallelEfficiency, timeSavedMs, predictedMs,
 *          planned{workers, makespanMs, sequentialMs, criticalPath[], criticalPathMs, defaultEstimateTasks, defaultEstimateMs} | null,
 *          actualCriticalPath{path[], ms}, plannedCriticalPathActualMs, estimates{tasksCompared, estimatedMs, actualMs, ratio}},
 *   tasks: [{id, title, position, status, statusText, evidence, reason, message, needs[], executor, priority,
 *            estimateMs, estimateText, actualMs, estimateRatio, criteria[], verifyDefined[], returns,
 *            attempts[{attempt, worker, startedAt, finishedAt, durationMs, executionMs, outcome, exitCode, signal, message, logPath,
 *                      logTail, logTailSource, verify[{name, command, exitCode, signal?, timedOut?, durationMs, outputTail}],
 *                      result, usage, branch, changes}],
 *            branch, changes{commits[], filesChanged, insertions, deletions} | null, usage, result, startedAt, finishedAt}],
 *   remaining: {notDone[], ready[], blocked[{task, by[{task, status}], rootCauses[]}]},
 *   comparison: {previousRun, previousStatus, previousStartedAt, rows[{metric, unit, before, after}], changedTasks[{task, before, after}]} | null,
 *   gantt: {originAt, endMs, lanes, bars[{task, attempt, worker, startMs, endMs, outcome, exitCode}]} }
 * ```
 *
 * Durations are ms, ratios plain numbers, `null` means "cannot be computed". `wallMs` is the sum of the runner
 * sessions' active time (idle gaps between a run and its `--resume` are `idleMs`); an attempt's `durationMs` is
 * finished − started, the figure `paraplan status` shows. `worker` is from 0 (reports display it from 1). Fields may be added within a schema
 * version; none is removed or changes meaning without a bump.
 */
export function reportJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}
