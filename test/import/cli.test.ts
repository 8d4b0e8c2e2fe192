import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {parse} from 'yaml';
import {importCommand} from '../../src/cli/commands/import.js';
import {memoryIo} from '../../src/cli/io.js';
import {FIXTURES, SEEDS} from './helpers.js';

const seed000 = fileURLToPath(new URL('000_04b18a9f72843c6f.txt', SEEDS));

describe('paraplan import', () => {
  it('prints the plan as YAML on stdout and exits 0', async () => {
    const io = memoryIo();
    const code = await importCommand(seed000, {}, io);
    expect(code).toBe(0);
    const plan = parse(io.stdout()) as {tasks: {id: string}[]; groups: unknown[]};
    expect(plan.tasks).toHaveLength(14);
    expect(plan.groups).toHaveLength(6);
    expect(io.stderr()).toContain('14 tasks imported');
  });

  it('explains every inference with its location', async () => {
    const io = memoryIo();
    await importCommand(seed000, {explain: true}, io);
    expect(io.stderr()).toMatch(/000_04b18a9f72843c6f\.txt:87: task 1\.2 needs 0\.1 \(group-barrier: "Dependencies: Batch 0 complete"\)/);
  });

  it('writes JSON or YAML by extension, and refuses to overwrite the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paraplan-import-'));
    const input = join(dir, 'plan.md');
    writeFileSync(input, readFileSync(new URL('blocks-fields.md', FIXTURES)));
    const io = memoryIo({cwd: dir});
    expect(await importCommand('plan.md', {output: 'plan.json'}, io)).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).tasks).toHaveLength(4);
    expect(await importCommand('plan.md', {output: 'plan.yaml'}, io)).toBe(0);
    expect(readFileSync(join(dir, 'plan.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=.*plan\.schema\.json\n/);
    const refused = memoryIo({cwd: dir});
    expect(await importCommand('plan.md', {output: './plan.md'}, refused)).toBe(2);
    expect(refused.stderr()).toContain('never overwrites its input');
    expect(readFileSync(input, 'utf8')).toContain('Freeze the API');
  });

  it('prints located diagnostics and exits 2 when validation finds errors', async () => {
    const io = memoryIo();
    const code = await importCommand(fileURLToPath(new URL('backlog-epics.md', FIXTURES)), {}, io);
    expect(code).toBe(2);
    expect(io.stderr()).toMatch(/backlog-epics\.md:26:\d+/);
    expect(io.stderr()).toContain('US-9');
  });

  it('rejects an unknown --from', async () => {
    const io = memoryIo();
    expect(await importCommand(seed000, {from: 'docx'}, io)).toBe(2);
  });
});
