import {execFileSync, spawn} from 'node:child_process';
import {lstatSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs';
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

// `-o /dev/stdout` is a link to /proc/self/fd/1: renaming over it would replace the link, as root machine-wide.
test('-o to a symbolic link writes through it and keeps the link', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'paraplan-out-'));
  writeFileSync(join(dir, 'real.txt'), 'old\n');
  symlinkSync('real.txt', join(dir, 'link'));
  await writeOutput('new\n', 'link', io(dir));
  expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  expect(readFileSync(join(dir, 'real.txt'), 'utf8')).toBe('new\n');
});
