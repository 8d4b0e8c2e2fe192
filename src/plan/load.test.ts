import {mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {loadPlanSource, parsePlanText} from './load.js';
import {normalizePlan} from './normalize.js';

const dir = mkdtempSync(join(tmpdir(), 'paraplan-load-'));
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

async function errorsOf(path: string): Promise<{code: string; message: string; line?: number}[]> {
  const r = await loadPlanSource(path);
  const diagnostics = r.ok ? normalizePlan(r.value).diagnostics : r.error;
  return diagnostics.filter((d) => d.severity === 'error').map((d) => ({code: d.code, message: d.message, ...(d.location ? {line: d.location.line} : {})}));
}

describe('loading hostile files', () => {
  it('reports an empty file', async () => {
    expect(await errorsOf(file('empty.yaml', ''))).toMatchObject([{code: 'empty-file'}]);
  });

  it('reports a file of only white space', async () => {
    expect(await errorsOf(file('blank.yaml', '  \n\n\t\n'))).toMatchObject([{code: 'empty-file'}]);
  });

  it('reports a binary file with where the NUL byte is', async () => {
    const bytes = new Uint8Array([0x74, 0x61, 0x73, 0x6b, 0x0a, 0x00, 0x01, 0x02, 0xff]);
    expect(await errorsOf(file('bin.yaml', bytes))).toMatchObject([{code: 'binary-file', line: 2}]);
  });

  it('reports invalid UTF-8 with its line', async () => {
    const bytes = Buffer.concat([Buffer.from('name: x\ntasks:\n  - id: a\n    title: caf'), Buffer.from([0xe9, 0x0a])]);
    expect(await errorsOf(file('latin1.yaml', bytes))).toMatchObject([{code: 'not-utf8', line: 4}]);
  });

  it('reports UTF-16', async () => {
    expect(await errorsOf(file('utf16.yaml', Buffer.from('\ufefftasks: []', 'utf16le')))).toMatchObject([{code: 'not-utf8'}]);
  });

  it('refuses a 50 MB file before reading it', async () => {
    const p = join(dir, 'huge.yaml');
    const fd = openSync(p, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    expect(await errorsOf(p)).toMatchObject([{code: 'file-too-large', message: expect.stringContaining('50.0 MB')}]);
  });

  it('refuses a YAML alias bomb', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('tasks: []');
    expect(await errorsOf(file('bomb.yaml', lines.join('\n')))).toMatchObject([{code: 'yaml-alias-bomb'}]);
  });

  it('refuses 10,000-deep nesting in YAML and JSON', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    expect((await errorsOf(file('deep.yaml', `tasks: ${deep}`)))[0]?.code).toBe('too-deep');
    expect((await errorsOf(file('deep.json', `{"tasks": ${deep}}`)))[0]?.code).toBe('too-deep');
  });

  it('does not count brackets inside JSON strings, escaped quotes included, as nesting', async () => {
    const title = `\\" ${'['.repeat(10_000)} \\\\`;
    const loaded = await loadPlanSource(file('strings.json', `{"tasks": [{"id": "a", "title": "${title}", "run": ["true"]}]}`));
    expect(loaded.ok && loaded.value.diagnostics).toEqual([]);
    const deepAfter = `{"tasks": [{"id": "a", "title": "x\\\\"}], "extra": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect((await errorsOf(file('deep-after.json', deepAfter)))[0]?.code).toBe('too-deep');
  });

  it('locates a JSON syntax error', async () => {
    expect(await errorsOf(file('bad.json', '{\n  "tasks": [\n    {"id": "a",}\n  ]\n}'))).toMatchObject([{code: 'json-syntax', line: 3}]);
  });

  it('locates a YAML syntax error', async () => {
    expect(await errorsOf(file('bad.yaml', 'tasks:\n  - id: a\n    needs: [b\n  - id: b\n'))).toMatchObject([{code: 'yaml-syntax'}]);
  });

  it('reports a missing file without a stack trace', async () => {
    expect(await errorsOf(join(dir, 'nope.yaml'))).toMatchObject([{code: 'file-not-found', message: expect.stringContaining('does not exist')}]);
  });

  it('reports a document that is not a map', async () => {
    expect(await errorsOf(file('list.yaml', '- a\n- b\n'))).toMatchObject([{code: 'not-a-plan'}]);
    expect(await errorsOf(file('scalar.json', '42'))).toMatchObject([{code: 'not-a-plan'}]);
  });
});

describe('parsePlanText', () => {
  it('reads JSON and YAML into the same data', () => {
    const y = parsePlanText('p.yaml', 'tasks:\n  - id: a\n    run: [echo, hi]\n', 'yaml');
    const j = parsePlanText('p.json', '{"tasks": [{"id": "a", "run": ["echo", "hi"]}]}', 'json');
    expect(y.data).toEqual(j.data);
  });

  it('locates a path in JSON lazily', () => {
    const j = parsePlanText('p.json', '{\n  "tasks": [\n    {"id": "a"},\n    {"id": "b"}\n  ]\n}', 'json');
    expect(j.locate(['tasks', 1, 'id'])).toMatchObject({file: 'p.json', line: 4, column: 12});
  });
});
