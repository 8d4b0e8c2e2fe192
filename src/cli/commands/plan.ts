import {dirname} from 'node:path';
import {analyzePlan, reviewBatches} from '../../schedule/index.js';
import {EXIT_OK, plural} from '../exit-codes.js';
import type {CliIo} from '../io.js';
import {jsonLines, planCsv, planJsonValue, planMarkdown, planMermaid, planText} from '../plan-output.js';
import {readPlan} from '../read-plan.js';
import {writeOutput} from '../write-output.js';

export interface PlanOptions {
  readonly workers?: number;
  readonly format?: 'text' | 'json' | 'md' | 'mermaid' | 'csv';
  readonly output?: string;
  readonly maxLoc?: number;
  readonly budgetMs?: number;
  readonly from?: string;
  readonly reportLink?: string;
  /** Where runs are stored (to link the latest report from `--format md`). */
  readonly state?: string;
}

/** `paraplan plan PLAN -j N`: the schedule, its figures and the what-if table, in one of five formats. */
export async function planCommand(file: string, options: PlanOptions, io: CliIo): Promise<number> {
  const read = await readPlan(file, {...(options.from ? {from: options.from} : {})}, io);
  if (!read.ok) return read.exitCode;
  const {plan} = read;
  // -j is checked by the command line (intOption) and concurrency by the plan schema: both are positive integers.
  const workers = options.workers ?? plan.concurrency;
  const format = options.format ?? 'text';
  if (format === 'csv') {
    await writeOutput(planCsv(plan), options.output, io);
    return EXIT_OK;
  }
  const analysis = analyzePlan(plan, {workers, timeBudgetMs: options.budgetMs ?? 1000});
  const batches = options.maxLoc !== undefined ? reviewBatches(plan, analysis.order, options.maxLoc) : undefined;
  let reportLink = options.reportLink;
  if (format === 'md' && reportLink === undefined) {
    // The execution plan document links to the latest run's report when a run of this plan exists.
    const [{latestReportLink}, {stateDirFor}] = await Promise.all([import('./report.js'), import('../state.js')]);
    const relativeTo = options.output && options.output !== '-' ? dirname(options.output) : '.';
    reportLink = await latestReportLink(stateDirFor(io, options.state, file), {planFile: file, relativeTo, io});
  }
  let text: string;
  switch (format) {
    case 'json': {
      const json = planJsonValue(plan, analysis);
      if (batches) json['reviewBatches'] = batches;
      text = jsonLines(json);
      break;
    }
    case 'md':
      text = planMarkdown(plan, analysis, reportLink ? {reportLink} : {});
      if (batches) text += reviewBatchesText(batches, true);
      break;
    case 'mermaid':
      text = planMermaid(plan, analysis);
      break;
    case 'text':
      text = planText(plan, analysis);
      if (batches) text += reviewBatchesText(batches, false);
      break;
  }
  await writeOutput(text, options.output, io);
  return EXIT_OK;
}

type Batches = ReturnType<typeof reviewBatches>;

function reviewBatchesText(batches: Batches, markdown: boolean): string {
  const lines = [markdown ? '## Review batches\n' : '\nReview batches:'];
  batches.batches.forEach((b, i) => {
    const flag = b.oversized ? ' (one task above the limit)' : '';
    lines.push(`${markdown ? '- ' : '  '}Batch ${i + 1}: ${b.loc} LOC${flag}: ${b.tasks.join(', ')}`);
  });
  if (batches.unsized.length) lines.push(`${markdown ? '\n' : '  '}${plural(batches.unsized.length, 'task has', 'tasks have')} no size (counted as 0 LOC): ${batches.unsized.join(', ')}`);
  return lines.join('\n') + '\n';
}
