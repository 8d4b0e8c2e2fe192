import type {Command} from '../model/index.js';
import type {WrittenCommand} from './schema.js';

/** Characters that only mean something to a shell: a plain-string command holding one must say `{shell: ...}`. */
const SHELL_ONLY = /[|&;<>()$`\\"'*?[\]#~{}\n]|^\w+=/;

/**
 * Turns a written command into a Command. A plain string is split on spaces only when it holds no shell
 * syntax, so user text never reaches a shell unless the plan asked for one.
 */
export function parseCommand(written: WrittenCommand): {command: Command} | {error: string} {
  if (Array.isArray(written)) return {command: {kind: 'argv', argv: [...written]}};
  if (typeof written === 'object') return {command: {kind: 'shell', script: written.shell}};
  const text = written.trim();
  if (text === '') return {error: 'the command is empty'};
  if (SHELL_ONLY.test(text)) {
    return {
      error: `"${text.length > 60 ? text.slice(0, 57) + '...' : text}" uses shell syntax; write it as {shell: "..."} to run it with /bin/sh, or as an argv list like [prog, arg1, arg2]`,
    };
  }
  return {command: {kind: 'argv', argv: text.split(/\s+/)}};
}
