import {escapeHtml} from './escape.js';
import {formatMs, formatOutcome} from './format.js';
import type {GanttBar, ReportGantt} from './report.js';

/** Mermaid task names cannot hold `:` (it starts the data), `;` or `#` (comments, entities). */
function mermaidName(text: string): string {
  return text.replace(/[:;#\n\r]/g, ' ').replace(/[<>]/g, ' ').trim() || '?';
}

function mermaidTag(bar: GanttBar): string {
  switch (bar.outcome) {
    case 'ok':
      return 'done, ';
    case 'running':
      return 'active, ';
    default:
      return 'crit, ';
  }
}

/**
 * The attempts as a Mermaid Gantt chart, one section per worker. Times are the real clock times (`dateFormat x`,
 * ms since the epoch), so the axis shows when each attempt ran in the reader's time zone. Failed attempts are
 * `crit` (red), succeeded ones `done`, running ones `active`.
 */
export function mermaidGantt(g: ReportGantt, title: string): string {
  const lines = ['gantt', `  title ${mermaidName(title)}`, '  dateFormat x', `  axisFormat ${g.endMs >= 3_600_000 ? '%H:%M' : '%H:%M:%S'}`];
  for (let w = 0; w < g.lanes; w++) {
    const bars = g.bars.filter((b) => b.worker === w);
    if (bars.length === 0) continue;
    lines.push(`  section worker ${w + 1}`);
    for (const b of bars) {
      const start = g.originAt + Math.round(b.startMs);
      // A zero-length bar is not drawn: give it one millisecond.
      const end = Math.max(start + 1, g.originAt + Math.round(b.endMs));
      const label = `${mermaidName(b.task)} try ${b.attempt} (${mermaidName(formatOutcome(b.outcome, b.exitCode))})`;
      lines.push(`    ${label} :${mermaidTag(b)}${start}, ${end}`);
    }
  }
  return lines.join('\n');
}

const OUTCOME_COLOR: Record<GanttBar['outcome'], string> = {
  ok: '#2e7d32',
  exit_nonzero: '#c62828',
  verify_failed: '#ad1457',
  timeout: '#ef6c00',
  lost: '#6d4c41',
  cancelled: '#757575',
  spawn_error: '#4e342e',
  running: '#1565c0',
};

/** The legend entries of the SVG chart, in order. */
export const GANTT_LEGEND: readonly GanttBar['outcome'][] = ['ok', 'exit_nonzero', 'verify_failed', 'timeout', 'cancelled', 'lost', 'spawn_error', 'running'];

export function outcomeColor(outcome: GanttBar['outcome']): string {
  return OUTCOME_COLOR[outcome];
}

/** A tick step (ms) giving about `target` ticks: 1, 2, 5 × a power of ten, in seconds, minutes or hours. */
function tickStep(endMs: number, target = 8): number {
  const steps = [100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 86_400_000];
  return steps.find((s) => endMs / s <= target) ?? 86_400_000;
}

/**
 * The attempts as an inline SVG: one lane per worker, one bar per attempt coloured by its outcome, a time axis
 * from the run's start. Every text is escaped; each bar has a `<title>` (the tooltip) with task, attempt, outcome
 * and times.
 */
export function svgGantt(g: ReportGantt): string {
  const left = 80;
  const right = 20;
  const width = 960;
  const lane = 26;
  const top = 10;
  const plotW = width - left - right;
  const endMs = Math.max(g.endMs, 1);
  const x = (ms: number): number => left + (ms / endMs) * plotW;
  const height = top + g.lanes * lane + 30;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" class="gantt" role="img" aria-label="Gantt chart of the attempts" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">`);
  for (let w = 0; w < g.lanes; w++) {
    const y = top + w * lane;
    parts.push(`<rect x="${left}" y="${y}" width="${plotW}" height="${lane - 2}" fill="${w % 2 ? '#fafafa' : '#f0f0f0'}"/>`);
    parts.push(`<text x="${left - 8}" y="${y + lane / 2 + 3}" text-anchor="end" font-size="12" fill="#333">worker ${w + 1}</text>`);
  }
  const step = tickStep(endMs);
  for (let t = 0; t <= endMs + 1e-9; t += step) {
    const tx = x(t).toFixed(1);
    parts.push(`<line x1="${tx}" y1="${top}" x2="${tx}" y2="${top + g.lanes * lane}" stroke="#ccc" stroke-width="1"/>`);
    parts.push(`<text x="${tx}" y="${top + g.lanes * lane + 16}" text-anchor="middle" font-size="11" fill="#555">${escapeHtml(formatMs(t))}</text>`);
  }
  for (const b of g.bars) {
    const bx = x(b.startMs);
    const bw = Math.max(2, x(b.endMs) - bx);
    const y = top + b.worker * lane + 3;
    const tip = `${b.task}, attempt ${b.attempt}: ${formatOutcome(b.outcome, b.exitCode)}; ${formatMs(b.startMs)} to ${formatMs(b.endMs)} after the start (${formatMs(b.endMs - b.startMs)})`;
    parts.push(
      `<g class="bar" data-task="${escapeHtml(b.task)}" data-outcome="${b.outcome}"><title>${escapeHtml(tip)}</title>` +
        `<rect x="${bx.toFixed(1)}" y="${y}" width="${bw.toFixed(1)}" height="${lane - 8}" rx="3" fill="${OUTCOME_COLOR[b.outcome]}"/>` +
        (bw > 30
          ? `<svg x="${bx.toFixed(1)}" y="${y}" width="${bw.toFixed(1)}" height="${lane - 8}"><text x="4" y="${lane / 2}" font-size="11" fill="#fff">${escapeHtml(`${b.task} #${b.attempt}`)}</text></svg>`
          : '') +
        `</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
