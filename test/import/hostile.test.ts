import {readFileSync, readdirSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import fc from 'fast-check';
import {describe, expect, it} from 'vitest';
import {importPlan, type ImportFormat} from '../../src/plan/import/index.js';
import {normalizePlan} from '../../src/plan/normalize.js';
import {FIXTURES, SEEDS, type WrittenPlanOut} from './helpers.js';

const corpus: {name: string; text: string; format: ImportFormat}[] = [
  ...readdirSync(SEEDS)
    .filter((n) => n.endsWith('.txt'))
    .map((n) => ({name: n, text: readFileSync(new URL(n, SEEDS), 'utf8'), format: 'markdown' as const})),
  ...readdirSync(FIXTURES, {withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => ({
      name: e.name,
      text: readFileSync(new URL(e.name, FIXTURES), 'utf8'),
      format: (e.name.endsWith('.csv') ? 'csv' : e.name.startsWith('wf') ? 'wfcommons' : e.name.endsWith('.json') ? 'task-master' : 'markdown') as ImportFormat,
    })),
];

/** Imports and validates; fails the test on any throw or on an importer bug reported as a diagnostic. */
function survives(text: string, format: ImportFormat): void {
  const source = importPlan(format, [{file: 'fuzz', text}]);
  expect(source.diagnostics.filter((d) => d.code === 'import-failed')).toEqual([]);
  normalizePlan(source);
}

describe('hostile input', () => {
  it('imports every seed and fixture in every format without throwing', () => {
    for (const doc of corpus) for (const format of ['markdown', 'csv', 'task-master', 'wfcommons'] as const) survives(doc.text, format);
  });

  it('survives random mutations of the seeds and fixtures (fuzz)', () => {
    const mutation = fc.record({
      doc: fc.integer({min: 0, max: corpus.length - 1}),
      cuts: fc.array(fc.tuple(fc.nat(), fc.nat({max: 200}), fc.string({unit: 'grapheme', maxLength: 40})), {maxLength: 6}),
    });
    fc.assert(
      fc.property(mutation, ({doc, cuts}) => {
        const base = corpus[doc]!;
        let text = base.text;
        for (const [at, len, insert] of cuts) {
          const p = at % (text.length + 1);
          text = text.slice(0, p) + insert + text.slice(p + len);
        }
        survives(text, base.format);
      }),
      {numRuns: 150, seed: 42},
    );
  }, 20_000);

  it('survives random valid UTF-8 in every format', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 400}), fc.constantFrom<ImportFormat>('markdown', 'csv', 'task-master', 'wfcommons'), (text, format) => survives(text, format)),
      {numRuns: 300, seed: 7},
    );
  });

  it('survives Markdown built from plan-like pieces', () => {
    const piece = fc.constantFrom(
      '## Batch 1 (PARALLEL - 3 Agents)\n',
      '### Task 1.1: A\n',
      '### Task 1.1: duplicate\n',
      '**Dependencies:** Batch 0 complete\n',
      '**Depends on:** T1..T9999999\n',
      '- [ ] T001 [P] x in a/b.py\n',
      '| ID | Task | Depends on |\n|---|---|---|\n| T1 | a | T1 |\n',
      '```mermaid\ngraph TD\nA-->B-->A\n```\n',
      '```yaml\ndependencies: {a: [b]}\n```\n',
      '**Blocks:** ALL OTHER TASKS\n',
      '1. **Item** (Day 3-1)\n',
      '> quote\n',
      '\n',
      '- Phase 1: x\n  - [ ] T2 y (depends on T1)\n',
    );
    fc.assert(fc.property(fc.array(piece, {maxLength: 30}), (pieces) => survives(pieces.join(''), 'markdown')), {numRuns: 200, seed: 3});
  });

  // How fast is a benchmark's business (bench/); here the test timeout only bounds it.
  it('imports a 2 MB document of 20,000 tasks', {timeout: 60_000}, () => {
    let text = '# Big plan\n\n## Phase 1\n\n';
    for (let i = 0; i < 20_000; i++) text += `### Task ${i}: Do thing number ${i}\n**Priority:** high\n**Depends on:** ${i > 0 ? `Task ${i - 1}` : 'none'}\n\nSome description of the task.\n\n`;
    expect(text.length).toBeGreaterThan(2_000_000);
    const source = importPlan('markdown', [{file: 'big.md', text}]);
    const data = source.data as WrittenPlanOut;
    expect(data.tasks).toHaveLength(20_000);
    expect(data.tasks[19_999]!.needs![0]!.id).toBe('19998');
  });

  it('takes no heading inside fenced code as a task, even with an unclosed fence', () => {
    const text = '# P\n\n### Task 1: real\n\n```\n### Task 2: fake\n- [ ] T3 fake\n';
    const data = importPlan('markdown', [{file: 'x.md', text}]).data as WrittenPlanOut;
    expect(data.tasks.map((t) => t.id)).toEqual(['1']);
  });

  it('keeps a self-referencing dependency for validation to report', () => {
    const text = '# P\n\n### Task 1: a\n**Depends on:** Task 1\n';
    const source = importPlan('markdown', [{file: 'x.md', text}]);
    expect((source.data as WrittenPlanOut).tasks[0]!.needs!.map((n) => n.id)).toEqual(['1']);
    expect(normalizePlan(source).diagnostics.find((d) => d.code === 'self-dependency')?.location?.line).toBe(4);
  });

  it('reads the same plan with remark and with the fast scanner', () => {
    for (const doc of corpus.filter((d) => d.format === 'markdown')) {
      const a = importPlan('markdown', [{file: doc.name, text: doc.text}], {engine: 'remark'}).data as WrittenPlanOut;
      const b = importPlan('markdown', [{file: doc.name, text: doc.text}], {engine: 'scanner'}).data as WrittenPlanOut;
      expect(b.tasks.map((t) => [t.id, t.group, (t.needs ?? []).map((n) => n.id)]), doc.name).toEqual(a.tasks.map((t) => [t.id, t.group, (t.needs ?? []).map((n) => n.id)]));
    }
  });

  it('reads long runs of the characters its patterns repeat in linear time (a quadratic pattern would take minutes)', () => {
    // Each of these once took, or could take, time quadratic in the line's length; vitest's 5 s timeout fails them.
    const lines = [
      '```mermaid\ngraph TD\n' + 'A-'.repeat(100_000) + '>B[x]\n```\n',
      '# P\n\n## Tasks\n### T1: A\n**Priority:** P1' + ' | x: y'.repeat(50_000) + '\n',
      '# P\n\n**T1: ' + 'a'.repeat(200_000) + '\n',
      '# P\n\n## Phase 2 ' + '(after '.repeat(30_000) + '\n- [ ] x\n',
      '# P\n\n## Tasks\n### T1: A\nStart after ' + '1.'.repeat(100_000) + 'x\n',
    ];
    for (const text of lines) survives(text, 'markdown');
  });

  it('reports a file that is not a plan instead of failing', () => {
    const source = importPlan('markdown', [{file: fileURLToPath(import.meta.url), text: 'just some prose\n\nwith no tasks at all\n'}]);
    expect(source.diagnostics.map((d) => d.code)).toContain('no-tasks-found');
    // Located in the file it is about (it used to print ":1:1:" with no file).
    expect(source.diagnostics.find((d) => d.code === 'no-tasks-found')?.location).toEqual({file: fileURLToPath(import.meta.url), line: 1, column: 1});
  });
});
