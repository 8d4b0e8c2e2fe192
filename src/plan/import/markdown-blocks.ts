import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import {unified} from 'unified';

/**
 * The block structure of a Markdown document: what the importer reads. Inline markup stays as source text
 * (`raw`), so labels like `**Priority:**` are read from the exact text the author wrote.
 */

/** Where a block is: first line and column (from 1) and the line it ends on. */
export interface BlockPos {
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
}

export type Block =
  | {readonly type: 'heading'; readonly depth: number; readonly raw: string; readonly pos: BlockPos}
  | {readonly type: 'paragraph'; readonly lines: readonly SourceLine[]; readonly pos: BlockPos}
  | {readonly type: 'code'; readonly lang: string; readonly value: string; readonly valueLine: number; readonly pos: BlockPos}
  | {readonly type: 'list'; readonly ordered: boolean; readonly items: readonly ListItem[]; readonly pos: BlockPos}
  | {readonly type: 'table'; readonly rows: readonly (readonly SourceLine[])[]; readonly pos: BlockPos}
  | {readonly type: 'quote'; readonly children: readonly Block[]; readonly pos: BlockPos}
  | {readonly type: 'frontmatter'; readonly value: string; readonly pos: BlockPos}
  | {readonly type: 'other'; readonly pos: BlockPos};

/** A line (or a table cell) of source text with its position. */
export interface SourceLine {
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

export interface ListItem {
  /** `true` for `[x]`, `false` for `[ ]`, `null` when not a checkbox. */
  readonly checked: boolean | null;
  /** The number of an ordered list's item ("3." → 3); absent in bullet lists. */
  readonly number?: number;
  readonly children: readonly Block[];
  readonly pos: BlockPos;
}

/** Documents larger than this are read with the fast scanner below: remark needs seconds for megabytes. */
export const REMARK_MAX_CHARS = 400_000;

/**
 * Parses a Markdown document into blocks: with remark (GFM) for documents of ordinary size, with a small
 * CommonMark-subset scanner for huge ones (the importer must stay fast on hostile input).
 */
export function parseBlocks(source: string, engine: 'auto' | 'remark' | 'scanner' = 'auto'): Block[] {
  const {text, front} = prepare(source);
  const use = engine === 'auto' ? (text.length > REMARK_MAX_CHARS ? 'scanner' : 'remark') : engine;
  if (use === 'scanner') return [...front, ...outlines(scanBlocks(toLines(text), 0))];
  const tree = unified().use(remarkParse).use(remarkGfm).parse(text) as unknown as MdNode;
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  return [...front, ...outlines(fromMdast(tree.children ?? [], text, lineStarts))];
}

const OUTLINE_LINE = /^\d+(?:\.\d+)+\.?\s+\S/;

/**
 * Outline numbering that Markdown reads as one paragraph ("1.1 Inventory" under "1. Preparation" is no
 * list marker): a paragraph with two or more such lines becomes a list with one item per numbered line.
 */
function outlines(blocks: readonly Block[]): Block[] {
  const out: Block[] = [];
  for (const b of blocks) {
    if (b.type === 'list') {
      out.push({...b, items: b.items.map((i) => ({...i, children: outlines(i.children)}))});
      continue;
    }
    if (b.type === 'quote') {
      out.push({...b, children: outlines(b.children)});
      continue;
    }
    if (b.type !== 'paragraph' || b.lines.filter((l) => OUTLINE_LINE.test(l.text)).length < 2) {
      out.push(b);
      continue;
    }
    const firstOutline = b.lines.findIndex((l) => OUTLINE_LINE.test(l.text));
    const lead = b.lines.slice(0, firstOutline);
    if (lead.length > 0) out.push({type: 'paragraph', lines: lead, pos: {...b.pos, endLine: lead[lead.length - 1]!.line}});
    const items: ListItem[] = [];
    let current: SourceLine[] = [];
    const flush = (): void => {
      if (current.length === 0) return;
      const first = current[0]!;
      const pos = {line: first.line, column: first.column, endLine: current[current.length - 1]!.line};
      items.push({checked: null, children: [{type: 'paragraph', lines: current, pos}], pos});
      current = [];
    };
    for (const l of b.lines.slice(firstOutline)) {
      if (OUTLINE_LINE.test(l.text)) flush();
      current.push(l);
    }
    flush();
    out.push({type: 'list', ordered: false, items, pos: {line: items[0]!.pos.line, column: items[0]!.pos.column, endLine: b.pos.endLine}});
  }
  return out;
}

const DETAILS_OPEN = /^\s{0,3}<details\b[^>]*>\s*(?:<summary\b[^>]*>(.*?)<\/summary>\s*)?$/i;
const SUMMARY = /^\s{0,3}<summary\b[^>]*>(.*?)<\/summary>\s*$/i;
const DETAILS_CLOSE = /^\s{0,3}<\/details>\s*$/i;

/**
 * Rewrites what Markdown parsers do not see as structure, keeping every line where it was: YAML front
 * matter becomes a block of its own, and HTML toggles (`<details><summary>Title</summary>`, as Notion and
 * GitHub write them) become headings one level below the section they are in.
 */
function prepare(source: string): {text: string; front: Block[]} {
  const lines = source.split('\n');
  const front: Block[] = [];
  const first = lines[0]?.replace(/^\uFEFF/, '').replace(/\r$/, '');
  if (first === '---') {
    const end = lines.findIndex((l, k) => k > 0 && k < 500 && /^(?:---|\.\.\.)\s*$/.test(l.replace(/\r$/, '')));
    if (end > 0 && lines.slice(1, end).some((l) => /^[\w-]+\s*:/.test(l))) {
      front.push({type: 'frontmatter', value: lines.slice(1, end).map((l) => l.replace(/\r$/, '')).join('\n'), pos: {line: 1, column: 1, endLine: end + 1}});
      for (let k = 0; k <= end; k++) lines[k] = '';
    }
  }
  if (!/<details\b|<summary\b/i.test(source)) return {text: front.length > 0 ? lines.join('\n') : source, front};
  let fence: string | undefined;
  let depth = 0;
  let open = 0;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!.replace(/\r$/, '');
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (fence === undefined) fence = f[1]![0]!.repeat(f[1]!.length);
      else if (l.trim().startsWith(fence)) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const atx = /^\s{0,3}(#{1,6})\s/.exec(l);
    if (atx) {
      depth = atx[1]!.length;
      open = 0;
      continue;
    }
    const heading = (title: string): string => `${'#'.repeat(Math.min(6, depth + open))} ${title.replace(/<\/?[a-z][^>]*>/gi, '').trim()}`;
    const d = DETAILS_OPEN.exec(l);
    if (d) {
      open++;
      lines[k] = d[1] !== undefined && d[1].trim() !== '' ? heading(d[1]) : '';
      continue;
    }
    const sm = SUMMARY.exec(l);
    if (sm && open > 0) {
      lines[k] = sm[1]!.trim() === '' ? '' : heading(sm[1]!);
      continue;
    }
    if (DETAILS_CLOSE.test(l)) {
      open = Math.max(0, open - 1);
      lines[k] = '';
    }
  }
  return {text: lines.join('\n'), front};
}

// ---------------------------------------------------------------------------------------------------------
// remark → blocks

interface MdPoint {
  line: number;
  column: number;
  offset?: number;
}
interface MdNode {
  type: string;
  depth?: number;
  ordered?: boolean | null;
  start?: number | null;
  checked?: boolean | null;
  lang?: string | null;
  value?: string;
  children?: MdNode[];
  position?: {start: MdPoint; end: MdPoint};
}

function posOf(node: MdNode): BlockPos {
  const p = node.position;
  return {line: p?.start.line ?? 1, column: p?.start.column ?? 1, endLine: p?.end.line ?? p?.start.line ?? 1};
}

function fromMdast(nodes: readonly MdNode[], text: string, lineStarts: readonly number[]): Block[] {
  const out: Block[] = [];
  for (const node of nodes) {
    const pos = posOf(node);
    switch (node.type) {
      case 'heading': {
        const kids = node.children ?? [];
        const first = kids[0]?.position?.start.offset;
        const last = kids[kids.length - 1]?.position?.end.offset;
        const raw = first !== undefined && last !== undefined ? text.slice(first, last) : '';
        out.push({type: 'heading', depth: node.depth ?? 1, raw, pos});
        break;
      }
      case 'paragraph':
        out.push({type: 'paragraph', lines: sliceLines(node, text, lineStarts), pos});
        break;
      case 'code': {
        const fenced = /^\s*(`{3,}|~{3,})/.test(lineText(text, lineStarts, pos.line));
        out.push({type: 'code', lang: (node.lang ?? '').toLowerCase(), value: node.value ?? '', valueLine: fenced ? pos.line + 1 : pos.line, pos});
        break;
      }
      case 'list':
        out.push({
          type: 'list',
          ordered: node.ordered === true,
          items: (node.children ?? []).map((item, k) => ({
            checked: item.checked ?? null,
            ...(node.ordered === true ? {number: (node.start ?? 1) + k} : {}),
            children: fromMdast(item.children ?? [], text, lineStarts),
            pos: posOf(item),
          })),
          pos,
        });
        break;
      case 'table':
        out.push({
          type: 'table',
          rows: (node.children ?? []).map((row) =>
            (row.children ?? []).map((cell) => {
              const s = cell.position?.start.offset ?? 0;
              const e = cell.position?.end.offset ?? s;
              return {text: cleanCell(text.slice(s, e)), line: cell.position?.start.line ?? pos.line, column: cell.position?.start.column ?? 1};
            }),
          ),
          pos,
        });
        break;
      case 'blockquote':
        out.push({type: 'quote', children: fromMdast(node.children ?? [], text, lineStarts), pos});
        break;
      default:
        out.push({type: 'other', pos});
    }
  }
  return out;
}

function lineText(text: string, lineStarts: readonly number[], line: number): string {
  const s = lineStarts[line - 1] ?? 0;
  const e = lineStarts[line] ?? text.length;
  return text.slice(s, e);
}

function sliceLines(node: MdNode, text: string, lineStarts: readonly number[]): SourceLine[] {
  const start = node.position?.start;
  const end = node.position?.end;
  if (!start || !end || start.offset === undefined || end.offset === undefined) return [];
  const body = text.slice(start.offset, end.offset).split('\n');
  return body.map((t, i) => {
    if (i === 0) return {text: t, line: start.line, column: start.column};
    // Continuation lines keep their indentation and quote markers in the source; drop them.
    const m = /^[\s>]*/.exec(t)![0].length;
    return {text: t.slice(m), line: start.line + i, column: m + 1};
  });
}

function cleanCell(raw: string): string {
  return raw
    .replace(/^\s*\|/, '')
    .replace(/(?<!\\)\|\s*$/, '')
    .replace(/\\\|/g, '|')
    .trim();
}

// ---------------------------------------------------------------------------------------------------------
// The fast scanner: headings (ATX and setext), fenced and indented code, nested lists with checkboxes,
// GFM tables, block quotes, paragraphs. No inline parsing (the importer reads raw text anyway).

interface Line {
  /** The text with `indent` columns already removed by the enclosing container. */
  readonly text: string;
  readonly line: number;
  readonly column: number;
}

function toLines(text: string): Line[] {
  return text.split('\n').map((t, i) => ({text: t.replace(/\r$/, '').replace(/\t/g, '    '), line: i + 1, column: 1}));
}

const FENCE = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/;
const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const BULLET = /^( {0,3})([-*+]|\d{1,9}[.)])( +|$)/;
const DELIMITER_ROW = /^ {0,3}\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const THEMATIC = /^ {0,3}([-*_])( *\1){2,} *$/;

function indentOf(s: string): number {
  return /^ */.exec(s)![0].length;
}

function blank(s: string): boolean {
  return s.trim() === '';
}

function startsBlock(s: string): boolean {
  return FENCE.test(s) || ATX.test(s) || BULLET.test(s) || /^ {0,3}>/.test(s) || THEMATIC.test(s);
}

function scanBlocks(lines: readonly Line[], _depth: number): Block[] {
  const out: Block[] = [];
  let i = 0;
  const pos = (a: Line, endLine: number): BlockPos => ({line: a.line, column: a.column + indentOf(a.text), endLine});
  while (i < lines.length) {
    const l = lines[i]!;
    const s = l.text;
    if (blank(s)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(s);
    if (fence) {
      const marker = fence[2]!;
      const body: string[] = [];
      let j = i + 1;
      for (; j < lines.length; j++) {
        const t = lines[j]!.text;
        if (new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`).test(t)) break;
        body.push(t.slice(Math.min(indentOf(t), fence[1]!.length)));
      }
      const end = Math.min(j, lines.length - 1);
      out.push({type: 'code', lang: (fence[3] ?? '').toLowerCase(), value: body.join('\n'), valueLine: l.line + 1, pos: pos(l, lines[end]!.line)});
      i = j + 1;
      continue;
    }
    const atx = ATX.exec(s);
    if (atx) {
      out.push({type: 'heading', depth: atx[1]!.length, raw: (atx[2] ?? '').trim(), pos: pos(l, l.line)});
      i++;
      continue;
    }
    if (THEMATIC.test(s) && !BULLET.test(s.replace(/^( {0,3})[-*+] [-*+] [-*+].*/, ''))) {
      out.push({type: 'other', pos: pos(l, l.line)});
      i++;
      continue;
    }
    if (/^ {0,3}>/.test(s)) {
      const inner: Line[] = [];
      let j = i;
      while (j < lines.length && !blank(lines[j]!.text)) {
        const t = lines[j]!.text;
        const m = /^ {0,3}> ?/.exec(t);
        inner.push({text: m ? t.slice(m[0].length) : t, line: lines[j]!.line, column: lines[j]!.column + (m ? m[0].length : 0)});
        j++;
      }
      out.push({type: 'quote', children: scanBlocks(inner, _depth + 1), pos: pos(l, lines[j - 1]!.line)});
      i = j;
      continue;
    }
    const bullet = BULLET.exec(s);
    if (bullet) {
      const ordered = /\d/.test(bullet[2]!);
      const items: ListItem[] = [];
      let j = i;
      while (j < lines.length) {
        const b = BULLET.exec(lines[j]!.text);
        if (!b || /\d/.test(b[2]!) !== ordered) break;
        const contentIndent = b[1]!.length + b[2]!.length + Math.min(Math.max(b[3]!.length, 1), 4);
        const first = lines[j]!;
        let rest = first.text.slice(contentIndent);
        let checked: boolean | null = null;
        const box = /^\[([ xX])\]\s+/.exec(rest);
        if (box) {
          checked = box[1] !== ' ';
          rest = rest.slice(box[0].length);
        }
        const body: Line[] = [{text: rest, line: first.line, column: first.column + first.text.length - rest.length}];
        let k = j + 1;
        let sawBlank = false;
        while (k < lines.length) {
          const t = lines[k]!.text;
          if (blank(t)) {
            sawBlank = true;
            body.push({text: '', line: lines[k]!.line, column: 1});
            k++;
            continue;
          }
          if (indentOf(t) >= contentIndent) {
            body.push({text: t.slice(contentIndent), line: lines[k]!.line, column: lines[k]!.column + contentIndent});
            sawBlank = false;
            k++;
            continue;
          }
          // A lazy continuation line of the item's paragraph.
          if (!sawBlank && !startsBlock(t) && !blank(body[body.length - 1]!.text)) {
            body.push({text: t.trimStart(), line: lines[k]!.line, column: lines[k]!.column + indentOf(t)});
            k++;
            continue;
          }
          break;
        }
        while (body.length > 1 && blank(body[body.length - 1]!.text)) body.pop();
        items.push({checked, ...(ordered ? {number: Number(b[2]!.slice(0, -1))} : {}), children: scanBlocks(body, _depth + 1), pos: pos(first, body[body.length - 1]!.line)});
        j = k;
        if (j < lines.length && blank(lines[j - 1]?.text ?? 'x') && !BULLET.test(lines[j]!.text)) break;
      }
      out.push({type: 'list', ordered, items, pos: pos(l, items[items.length - 1]?.pos.endLine ?? l.line)});
      i = j;
      continue;
    }
    if (s.includes('|') && i + 1 < lines.length && DELIMITER_ROW.test(lines[i + 1]!.text) && lines[i + 1]!.text.includes('-')) {
      const rows: SourceLine[][] = [splitRow(l)];
      let j = i + 2;
      while (j < lines.length && !blank(lines[j]!.text) && !startsBlock(lines[j]!.text)) {
        rows.push(splitRow(lines[j]!));
        j++;
      }
      out.push({type: 'table', rows, pos: pos(l, lines[j - 1]!.line)});
      i = j;
      continue;
    }
    if (/^ {4}/.test(s)) {
      const body: string[] = [];
      let j = i;
      while (j < lines.length && (/^ {4}/.test(lines[j]!.text) || blank(lines[j]!.text))) body.push(lines[j++]!.text.slice(4));
      while (body.length > 0 && blank(body[body.length - 1]!)) {
        body.pop();
        j--;
      }
      out.push({type: 'code', lang: '', value: body.join('\n'), valueLine: l.line, pos: pos(l, lines[j - 1]!.line)});
      i = j;
      continue;
    }
    if (/^ {0,3}<[a-zA-Z!/]/.test(s)) {
      let j = i;
      while (j < lines.length && !blank(lines[j]!.text)) j++;
      out.push({type: 'other', pos: pos(l, lines[j - 1]!.line)});
      i = j;
      continue;
    }
    // Paragraph (maybe a setext heading).
    const para: SourceLine[] = [];
    let j = i;
    while (j < lines.length && !blank(lines[j]!.text)) {
      const t = lines[j]!.text;
      if (j > i && startsBlock(t) && !/^ {0,3}-+\s*$/.test(t)) break;
      if (j > i && /^ {0,3}(=+|-+)\s*$/.test(t)) {
        out.push({type: 'heading', depth: t.trim()[0] === '=' ? 1 : 2, raw: para.map((p) => p.text.trim()).join(' '), pos: pos(l, lines[j]!.line)});
        para.length = 0;
        j++;
        break;
      }
      para.push({text: j === i ? t.trimStart() : t.trimStart(), line: lines[j]!.line, column: lines[j]!.column + indentOf(t)});
      j++;
    }
    if (para.length > 0) out.push({type: 'paragraph', lines: para, pos: pos(l, para[para.length - 1]!.line)});
    i = Math.max(j, i + 1);
  }
  return out;
}

function splitRow(l: Line): SourceLine[] {
  const cells: SourceLine[] = [];
  const s = l.text;
  let start = 0;
  let k = 0;
  const lead = /^\s*\|/.exec(s);
  if (lead) start = k = lead[0].length;
  for (; k <= s.length; k++) {
    if (k === s.length || (s[k] === '|' && s[k - 1] !== '\\')) {
      const cell = s.slice(start, k);
      if (k < s.length || cell.trim() !== '') cells.push({text: cell.replace(/\\\|/g, '|').trim(), line: l.line, column: l.column + start});
      start = k + 1;
    }
  }
  return cells;
}
