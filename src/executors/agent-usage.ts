import type {Diagnostic, ExecutorProfile, Plan, Task, Usage} from '../model/index.js';

/** A spending limit. Undefined fields are unlimited. */
export interface Budget {
  /** US dollars, as reported by the agents and APIs (or priced from tokens with a profile's `pricing`). */
  readonly usd?: number;
  /** Input + output tokens. */
  readonly tokens?: number;
}

/** Prices per million tokens, for agents and APIs that report tokens but no cost (Codex, Gemini). */
export interface Pricing {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

/** What was spent, summed. */
export interface Spent {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  /** How many usages had no cost (so `costUsd` is a lower bound). */
  readonly unpriced: number;
}

/** Sums usages; undefined entries (shell attempts) are skipped. */
export function sumUsage(usages: Iterable<Usage | undefined>): Spent {
  let inputTokens = 0;
  let outputTokens = 0;
  let costUsd = 0;
  let unpriced = 0;
  for (const u of usages) {
    if (!u) continue;
    inputTokens += u.inputTokens ?? 0;
    outputTokens += u.outputTokens ?? 0;
    if (u.costUsd === undefined) {
      if ((u.inputTokens ?? 0) + (u.outputTokens ?? 0) > 0) unpriced++;
    } else costUsd += u.costUsd;
  }
  return {inputTokens, outputTokens, costUsd, unpriced};
}

/**
 * For the engine: whether the usages so far (every attempt of the run, or of one task) reach a budget. A budget
 * is reached at or above its limit, so new work stops before it is overspent further. Returns what was exceeded,
 * or undefined.
 */
export function budgetExceeded(usages: Iterable<Usage | undefined>, budget: Budget): {readonly kind: 'usd' | 'tokens'; readonly spent: number; readonly limit: number; readonly message: string} | undefined {
  const spent = sumUsage(usages);
  if (budget.usd !== undefined && spent.costUsd >= budget.usd) {
    return {kind: 'usd', spent: spent.costUsd, limit: budget.usd, message: `budget exceeded: spent $${spent.costUsd.toFixed(4)} of $${budget.usd}`};
  }
  const tokens = spent.inputTokens + spent.outputTokens;
  if (budget.tokens !== undefined && tokens >= budget.tokens) {
    return {kind: 'tokens', spent: tokens, limit: budget.tokens, message: `budget exceeded: used ${tokens} tokens of ${budget.tokens}`};
  }
  return undefined;
}

/** The run budget from the plan's `budget: {usd, tokens}`. */
export function planBudget(plan: Pick<Plan, 'settings'>): {budget: Budget; diagnostics: Diagnostic[]} {
  const raw = plan.settings['budget'];
  const b = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const diagnostics: Diagnostic[] = [];
  const num = (key: string): number | undefined => {
    const v = b[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v;
    diagnostics.push({severity: 'error', code: 'budget-setting', message: `budget.${key}: expected a positive number, got ${JSON.stringify(v)}`});
    return undefined;
  };
  for (const key of Object.keys(b)) {
    if (key !== 'usd' && key !== 'tokens') diagnostics.push({severity: 'warning', code: 'budget-setting', message: `budget.${key}: unknown key, ignored; use usd or tokens`});
  }
  const usd = num('usd');
  const tokens = num('tokens');
  return {budget: {...(usd !== undefined ? {usd} : {}), ...(tokens !== undefined ? {tokens} : {})}, diagnostics};
}

/** A task's own dollar budget per attempt: the task's `budgetUsd` (an extra field) or its profile's `budgetUsd`. */
export function taskBudgetUsd(task: Task, profile: ExecutorProfile): number | undefined {
  for (const v of [task.extra['budgetUsd'], profile.options['budgetUsd']]) if (typeof v === 'number' && v > 0) return v;
  return undefined;
}

/** Reads a profile's `pricing: {inputPerMTok, outputPerMTok}`. */
export function pricingOf(options: Readonly<Record<string, unknown>>): Pricing | undefined {
  const p = options['pricing'];
  if (p === null || typeof p !== 'object') return undefined;
  const {inputPerMTok, outputPerMTok} = p as Record<string, unknown>;
  return typeof inputPerMTok === 'number' && typeof outputPerMTok === 'number' ? {inputPerMTok, outputPerMTok} : undefined;
}

/** Fills in `costUsd` from tokens when the source reported none and a price is known. */
export function priced(usage: Usage, pricing: Pricing | undefined): Usage {
  if (usage.costUsd !== undefined || !pricing) return usage;
  return {...usage, costUsd: ((usage.inputTokens ?? 0) * pricing.inputPerMTok + (usage.outputTokens ?? 0) * pricing.outputPerMTok) / 1e6};
}
