import {isUtf8} from 'node:buffer';
import type {Diagnostic, Location, Result} from '../model/index.js';
import {err, ok} from '../model/index.js';

/** Line and column (from 1) of a UTF-16 offset in `text`. */
export function locationAt(file: string, text: string, offset: number, length = 0): Location {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return {file, line, column: end - lineStart + 1, length};
}

/** The byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Checks raw file bytes are text paraplan can read: not binary, UTF-8, within the size limit.
 * Returns the text without a byte-order mark.
 */
export function decodePlanBytes(file: string, bytes: Uint8Array): Result<string, Diagnostic> {
  const at = (line: number, column: number): Location => ({file, line, column});
  if (bytes.length === 0) {
    return err({severity: 'error', code: 'empty-file', message: `${file} is empty; write a plan (see examples/ and the README) or pass another file`, location: at(1, 1)});
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return err({severity: 'error', code: 'not-utf8', message: `${file} is UTF-16; save it as UTF-8 and try again`, location: at(1, 1)});
  }
  const probe = Math.min(bytes.length, 1 << 20);
  const i = bytes.subarray(0, probe).indexOf(0);
  if (i !== -1) {
    const loc = lineColOfByte(bytes, i);
    return err({
      severity: 'error',
      code: 'binary-file',
      message: `${file} looks like a binary file (a NUL byte at byte ${i}); a plan must be a text file (YAML, JSON, Markdown or CSV)`,
      location: at(loc.line, loc.column),
    });
  }
  // The native check first; the scan that finds where only runs on a file that fails it.
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad !== -1) {
    const loc = lineColOfByte(bytes, bad);
    return err({
      severity: 'error',
      code: 'not-utf8',
      message: `${file} is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte ${bad}); save the file as UTF-8`,
      location: at(loc.line, loc.column),
    });
  }
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') {
    return err({severity: 'error', code: 'empty-file', message: `${file} has only white space; write a plan (see examples/) or pass another file`, location: at(1, 1)});
  }
  return ok(text);
}

function lineColOfByte(bytes: Uint8Array, offset: number): {line: number; column: number} {
  let line = 1;
  let col = 1;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      col = 1;
    } else if ((bytes[i]! & 0xc0) !== 0x80) col++;
  }
  return {line, column: col};
}

/** The deepest nesting of arrays and objects in a parsed value, walked without recursion; stops at `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
    }
  }
  return max;
}
