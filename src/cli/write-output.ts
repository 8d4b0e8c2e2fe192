import {rename, writeFile} from 'node:fs/promises';
import {resolve} from 'node:path';
import type {CliIo} from './io.js';

/** Writes a command's result to a file (atomically: a temp file, then a rename) or to standard output. */
export async function writeOutput(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined || output === '-') {
    io.out(text);
    return;
  }
  const target = resolve(io.cwd, output);
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, target);
  io.err(`wrote ${output}\n`);
}
