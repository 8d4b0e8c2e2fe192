import type {Diagnostic, Location} from '../model/index.js';
import type {DataPath} from './source.js';
import {locationAt} from './text.js';

/**
 * Finds where a data path was written in JSON text without parsing it all again: it scans one level at a time
 * and caches each container's children, so locating every task of a 100,000-task file stays linear.
 * The text is known to be valid JSON (JSON.parse accepted it).
 */
export function jsonLocator(file: string, text: string): (path: DataPath) => Location | undefined {
  const cache = new Map<number, Children>();
  const lineStarts = lineIndex(text);
  const children = (start: number): Children | undefined => {
    const c = text.charCodeAt(start);
    if (c !== 0x7b && c !== 0x5b) return undefined;
    let found = cache.get(start);
    if (!found) {
      found = c === 0x7b ? objectMembers(text, start) : arrayItems(text, start);
      cache.set(start, found);
    }
    return found;
  };
  return (path) => {
    let pos = skipWs(text, 0);
    // The end of the value at `pos`, when the scan of its parent found it.
    let end = -1;
    for (const seg of path) {
      const kids = children(pos);
      if (!kids) break;
      const k = kids.keys ? kids.keys.get(String(seg)) : typeof seg === 'number' && Number.isInteger(seg) && seg >= 0 && seg < kids.starts.length ? seg : undefined;
      if (k === undefined) break;
      pos = kids.starts[k]!;
      end = kids.ends[k]!;
    }
    if (end < 0) end = valueEnd(text, pos);
    return toLocation(file, lineStarts, pos, end, text);
  };
}

/**
 * Where the values of a container start and end (offsets), in order; for an object,
 * `keys` maps each key to its value's place (the first, if a key repeats).
 */
interface Children {
  readonly starts: number[];
  readonly ends: number[];
  readonly keys?: Map<string, number>;
}

function lineIndex(text: string): Int32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Int32Array(count);
  let k = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[k++] = i + 1;
  return starts;
}

function toLocation(file: string, starts: Int32Array, offset: number, end: number, text: string): Location {
  // Line ends come from the index: a one-line JSON file must not be scanned per lookup.
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  const lineEnd = lo + 1 < starts.length ? starts[lo + 1]! - 1 : text.length;
  const length = Math.max(1, Math.min(end, lineEnd) - offset);
  return {file, line: lo + 1, column: offset - starts[lo]! + 1, length};
}

function skipWs(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

function stringEnd(text: string, i: number): number {
  // i at the opening quote
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c) j++;
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

/** The offset just after the value starting at `i`. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x22) j = stringEnd(text, j) - 1;
      else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !/[,\]}\s]/.test(text[j]!)) j++;
  return j;
}

function arrayItems(text: string, start: number): Children {
  const starts: number[] = [];
  const ends: number[] = [];
  let i = skipWs(text, start + 1);
  if (text.charCodeAt(i) === 0x5d) return {starts, ends};
  for (;;) {
    starts.push(i);
    const end = valueEnd(text, i);
    ends.push(end);
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 0x2c) return {starts, ends};
    i = skipWs(text, i + 1);
  }
}

function objectMembers(text: string, start: number): Children {
  const keys = new Map<string, number>();
  const starts: number[] = [];
  const ends: number[] = [];
  let i = skipWs(text, start + 1);
  while (text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // past ':'
    const end = valueEnd(text, i);
    if (!keys.has(key)) {
      keys.set(key, starts.length);
      starts.push(i);
      ends.push(end);
    }
    i = skipWs(text, end);
    if (text.charCodeAt(i) !== 0x2c) break;
    i = skipWs(text, i + 1);
  }
  return {starts, ends, keys};
}

/** A located diagnostic for text JSON.parse refused (V8 says where: a position, or a line and column). */
export function jsonSyntaxError(file: string, text: string, e: Error): Diagnostic {
  const m = /position (\d+)/.exec(e.message);
  const lc = /line (\d+) column (\d+)/.exec(e.message);
  const location = lc ? {file, line: Number(lc[1]), column: Number(lc[2])} : locationAt(file, text, m ? Number(m[1]) : 0, 1);
  const what = e.message.replace(/\s*(in JSON )?at position \d+.*$/, '').replace(/\s*\(line \d+ column \d+\)/, '');
  return {severity: 'error', code: 'json-syntax', message: `invalid JSON: ${what}; fix the syntax at this point`, location};
}
