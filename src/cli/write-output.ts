import {lstat, rename, rm, stat, writeFile} from 'node:fs/promises';
import {dirname, resolve} from 'node:path';
import {UsageError} from './exit-codes.js';
import type {CliIo} from './io.js';

/**
 * Writes a command's result to a file (atomically: a temp file beside it, then a rename; a device or a FIFO is written
 * to directly) or to standard output.
 * A path that cannot be written is a user error, not a crash, and leaves no temp file behind.
 */
export async function writeOutput(text: string, output: string | undefined, io: CliIo): Promise<void> {
  if (output === undefined || output === '-') {
    io.out(text);
    return;
  }
  const target = resolve(io.cwd, output);
  const folder = await stat(dirname(target)).catch(() => undefined);
  if (!folder?.isDirectory()) throw new UsageError(`cannot write ${output}: the folder ${dirname(output) || '.'} does not exist; create it first or choose another -o path`);
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`cannot write ${output}: it is a folder; give a file name, e.g. -o ${output.replace(/\/$/, '')}/report.md`);
  // Only a regular file (or nothing) is replaced by a rename. A device, a FIFO or a symbolic link (`-o /dev/null`,
  // `-o /dev/stdout`, a link to a file) is written through: a rename would replace it with a file.
  const link = await lstat(target).catch(() => undefined);
  const inPlace = link !== undefined && !link.isFile();
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    if (inPlace) await writeFile(target, text);
    else {
      await writeFile(tmp, text);
      await rename(tmp, target);
    }
  } catch (e) {
    if (!inPlace) await rm(tmp, {force: true});
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${output}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOSPC' ? 'the disk is full' : (e as Error).message}`);
  }
  io.err(`wrote ${output}\n`);
}
