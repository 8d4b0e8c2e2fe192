export type {
  BlockedTask,
  Evidence,
  GanttBar,
  PlannedTime,
  PlanStatus,
  PriorityRow,
  Report,
  ReportAttempt,
  ReportComparison,
  ReportFailure,
  ReportGantt,
  ReportPlan,
  ReportRemaining,
  ReportRun,
  ReportSummary,
  ReportTask,
  ReportTime,
  StatusCounts,
  UsageTotals,
} from './report.js';
export {REPORT_SCHEMA_VERSION} from './report.js';
export {runActiveTime, activeTimeText, type RunActiveTime, type RunnerSession} from './runner-sessions.js';
export {attemptMs, buildReport, type ReportInput, type ReportPlanInput, type RunRecords} from './build-report.js';
export {reportMarkdown, STATUS_LABEL} from './markdown.js';
export {reportJson} from './json.js';
export {reportHtml} from './html.js';
export {mermaidGantt, svgGantt} from './gantt.js';
export {escapeHtml} from './escape.js';
export {formatMs, formatPercent, formatRatio, formatUsd, formatTime, formatOutcome, lastLines} from './format.js';
export {acceptanceRecords, acceptanceFileNames, type AcceptanceRecord} from './acceptance.js';
export {runbookMarkdown, type RunbookInput, type RunbookHistoryRow} from './runbook.js';
