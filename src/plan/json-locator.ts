import type {Location} from '../model/index.js';
import type {DataPath} from './source.js';

/**
 * Finds where a data path was written in JSON text without parsing it all again: it scans one level at a time
 * and caches each container's children, so locating every task of a 100,000-task file stays linear.
 * The text is known to be valid JSON (JSON.parse accepted it).
 */
export function jsonLocator(file: string, text: string): (path: DataPath) => Location | undefined {
  const cache = new Map<number, Map<string, number> | number[]>();
  const lineStarts = lineIndex(text);
  const children = (start: number): Map<string, number> | number[] | undefined => {
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
    for (const seg of path) {
      const kids = children(pos);
      if (!kids) break;
      const next = Array.isArray(kids) ? (typeof seg === 'number' ? kids[seg] : undefined) : kids.get(String(seg));
      if (next === undefined) break;
      pos = next;
    }
    const end = valueEnd(text, pos);
    return toLocation(file, lineStarts, pos, end, text);
  };
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

function arrayItems(text: string, start: number): number[] {
  const items: number[] = [];
  let i = skipWs(text, start + 1);
  if (text.charCodeAt(i) === 0x5d) return items;
  for (;;) {
    items.push(i);
    i = skipWs(text, valueEnd(text, i));
    if (text.charCodeAt(i) !== 0x2c) return items;
    i = skipWs(text, i + 1);
  }
}

function objectMembers(text: string, start: number): Map<string, number> {
  const members = new Map<string, number>();
  let i = skipWs(text, start + 1);
  while (text.charCodeAt(i) === 0x22) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // past ':'
    if (!members.has(key)) members.set(key, i);
    i = skipWs(text, valueEnd(text, i));
    if (text.charCodeAt(i) !== 0x2c) break;
    i = skipWs(text, i + 1);
  }
  return members;
}
