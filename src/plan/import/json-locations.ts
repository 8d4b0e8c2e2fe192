import {LineCounter, isMap, isPair, isScalar, isSeq, parseDocument, type Node} from 'yaml';
import type {Location} from '../../model/index.js';
import type {DataPath} from '../source.js';

/**
 * Where each value of a JSON text was written. JSON is YAML, and the yaml package keeps source ranges,
 * so a path into the parsed value maps back to a line and column.
 */
export function jsonLocator(file: string, text: string): (path: DataPath) => Location | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {lineCounter, uniqueKeys: false});
  return (path) => {
    let node: unknown = doc.contents;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        node = item;
      } else break;
    }
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const pos = lineCounter.linePos(range[0]);
    return {file, line: pos.line, column: pos.col};
  };
}
