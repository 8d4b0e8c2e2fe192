import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {expect, test} from 'vitest';
import type {CliIo} from './io.js';
import {writeOutput} from './write-output.js';

const io = (cwd: string): CliIo => ({out: () => {}, err: () => {}, color: false, tty: false, env: {}, cwd});

test('-o FILE replaces the file as a whole', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-out-'));
  await writeOutput('one\n', 'out.txt', io(dir));
  await writeOutput('two\n', 'out.txt', io(dir));
  expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('two\n');
});

// As root, renaming a temp file over `-o /dev/null` turned the device into a regular file for the whole machine.
test('-o to a FIFO (or a device) writes into it and leaves it what it is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-out-'));
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo], {stdio: ['ignore', 'pipe', 'inherit']});
  let got = '';
  reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
  const closed = new Promise((resolve) => reader.once('close', resolve));
  try {
    await writeOutput('through the fifo\n', 'fifo', io(dir));
    expect(statSync(fifo).isFIFO()).toBe(true);
    await closed;
    expect(got).toBe('through the fifo\n');
  } finally {
    reader.kill();
  }
});
