import {describe, expect, test} from 'vitest';
import {countFinished, decideTrigger, emptyCounts} from '../../src/engine/index.js';
import type {TaskStatus, TriggerRule} from '../../src/model/index.js';

type Dep = TaskStatus | 'done-skip' | 'running';

/** Counts for dependencies given as statuses; `done-skip` is a satisfied skip (done in the plan). */
function counts(deps: readonly Dep[]) {
  const c = emptyCounts(deps.length);
  for (const d of deps) {
    if (d === 'running') continue;
    if (d === 'done-skip') countFinished(c, 'skipped', true);
    else countFinished(c, d, d === 'succeeded');
  }
  return c;
}

const table: [TriggerRule, Dep[], ReturnType<typeof decideTrigger>][] = [
  ['all_success', [], 'ready'],
  ['all_success', ['succeeded', 'succeeded'], 'ready'],
  ['all_success', ['succeeded', 'running'], 'wait'],
  ['all_success', ['failed', 'running'], 'upstream_failed'],
  ['all_success', ['upstream_failed', 'succeeded'], 'upstream_failed'],
  ['all_success', ['skipped', 'succeeded'], 'skipped'],
  ['all_success', ['done-skip', 'succeeded'], 'ready'],
  ['all_done', ['failed', 'succeeded'], 'ready'],
  ['all_done', ['failed', 'running'], 'wait'],
  ['all_done', ['skipped', 'upstream_failed'], 'ready'],
  ['none_failed', ['skipped', 'succeeded'], 'ready'],
  ['none_failed', ['failed', 'running'], 'upstream_failed'],
  ['none_failed', ['succeeded', 'running'], 'wait'],
  ['one_success', ['succeeded', 'running'], 'ready'],
  ['one_success', ['failed', 'running'], 'wait'],
  ['one_success', ['failed', 'failed'], 'upstream_failed'],
  ['one_success', ['skipped', 'skipped'], 'skipped'],
  ['one_success', ['done-skip', 'failed'], 'ready'],
  ['one_failed', ['failed', 'running'], 'ready'],
  ['one_failed', ['upstream_failed', 'succeeded'], 'ready'],
  ['one_failed', ['succeeded', 'running'], 'wait'],
  ['one_failed', ['succeeded', 'succeeded'], 'skipped'],
  ['all_success', ['cancelled', 'succeeded'], 'wait'],
];

describe('trigger rules', () => {
  test.each(table)('%s with dependencies %j decides %s', (rule, deps, expected) => {
    expect(decideTrigger(rule, counts(deps))).toBe(expected);
  });

  test('counting a dependency that has not finished is a bug', () => {
    expect(() => countFinished(emptyCounts(1), 'running', false)).toThrow(/Internal error/);
  });
});
