import {readFile, readdir, stat} from 'node:fs/promises';
import {basename, extname, join} from 'node:path';
import {createRequire} from 'node:module';
import type {Document, LineCounter, Node} from 'yaml';
import type {Diagnostic, Location, Result} from '../model/index.js';
import {err, ok} from '../model/index.js';
import type {ImportFormat, ImportInput} from './import/index.js';
import {mayBeForeignJson, sniffJsonFormat} from './import/sniff.js';
import type {DataPath, PlanSource, SourceFormat} from './source.js';
import {jsonLocator, jsonSyntaxError} from './json-locator.js';
import {decodePlanBytes, nestingDepth} from './text.js';

/** Plans larger than this are refused before they are read. */
export const DEFAULT_MAX_PLAN_BYTES = 32 * 1024 * 1024;
/** Deeper nesting than this is refused: no plan needs it, and it is how parsers are attacked. */
export const MAX_NESTING = 64;
let yamlLibrary: typeof import('yaml') | undefined;
/** The YAML parser, loaded on first use (synchronously, through its CommonJS build): JSON plans never need it. */
function yaml(): typeof import('yaml') {
  return (yamlLibrary ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));
}

/** A YAML alias may be expanded at most this many times (alias bombs). */
export const MAX_YAML_ALIASES = 100;

export interface LoadOptions {
  /** The format to read; `auto` (the default) goes by extension, then content. */
  readonly from?: 'auto' | SourceFormat;
  /** @default DEFAULT_MAX_PLAN_BYTES */
  readonly maxBytes?: number;
}

const MARKDOWN_EXT = new Set(['.md', '.markdown', '.mdx', '.txt', '.text']);

/** The format implied by a file name, or undefined when the content must decide. */
export function formatFromName(file: string): SourceFormat | undefined {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  if (ext === '.csv' || ext === '.tsv') return 'csv';
  if (MARKDOWN_EXT.has(ext)) return 'markdown';
  return undefined;
}

/**
 * Reads a plan file or folder into a PlanSource. The only function of the core that touches the file system.
 * Every problem comes back as a located diagnostic, never as a throw.
 */
export async function loadPlanSource(path: string, options: LoadOptions = {}): Promise<Result<PlanSource, Diagnostic[]>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PLAN_BYTES;
  const from = options.from ?? 'auto';
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? String(e)})`;
    return err([{severity: 'error', code: 'file-not-found', message: `${path} ${why}; pass the path of a plan file (YAML, JSON, Markdown or CSV) or folder`}]);
  }
  if (info.isDirectory()) return loadFolder(path, from, maxBytes);
  if (!info.isFile()) return err([{severity: 'error', code: 'not-a-file', message: `${path} is not a regular file`}]);
  if (info.size > maxBytes) return err([tooLarge(path, info.size, maxBytes)]);
  const bytes = await readFile(path);
  const text = decodePlanBytes(path, bytes);
  if (!text.ok) return err([text.error]);
  const format = from === 'auto' ? (formatFromName(path) ?? sniffText(text.value)) : from;
  // The importers are loaded only for documents that need them: they cost more to load than YAML or JSON to read.
  const needsImporter = format !== 'yaml' && (format !== 'json' || mayBeForeignJson(text.value));
  return ok(parsePlanText(path, text.value, format, needsImporter ? await loadImporter() : undefined));
}

function tooLarge(file: string, size: number, maxBytes: number): Diagnostic {
  const mb = (n: number): string => (n / 1024 / 1024).toFixed(1);
  return {
    severity: 'error',
    code: 'file-too-large',
    message: `${file} is ${mb(size)} MB; paraplan reads plans of up to ${mb(maxBytes)} MB (set PARAPLAN_MAX_PLAN_MB to raise the limit)`,
    location: {file, line: 1, column: 1},
  };
}

async function loadFolder(dir: string, from: 'auto' | SourceFormat, maxBytes: number): Promise<Result<PlanSource, Diagnostic[]>> {
  const names = (await readdir(dir)).filter((n) => MARKDOWN_EXT.has(extname(n).toLowerCase())).sort();
  if (names.length === 0) {
    return err([{severity: 'error', code: 'empty-folder', message: `${dir} has no Markdown or text files; pass a plan file, or a folder of Markdown documents`}]);
  }
  const inputs: ImportInput[] = [];
  let total = 0;
  for (const name of names) {
    const file = join(dir, name);
    const info = await stat(file);
    if (!info.isFile()) continue;
    total += info.size;
    if (total > maxBytes) return err([tooLarge(dir, total, maxBytes)]);
    const text = decodePlanBytes(file, await readFile(file));
    if (!text.ok) return err([text.error]);
    inputs.push({file, text: text.value});
  }
  const format = from === 'auto' ? 'markdown' : from;
  if (format === 'yaml' || format === 'json') {
    return err([{severity: 'error', code: 'folder-format', message: `${dir} is a folder; --from ${format} reads one file, pass the file instead`}]);
  }
  return ok((await loadImporter())(format, inputs));
}

/** Guesses the format of a file whose name does not say. */
export function sniffText(text: string): SourceFormat {
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'json';
  if (/^(#.*\n|---\s*\n)*\s*(name|tasks|concurrency|description)\s*:/m.test(head.slice(0, 4096)) && /^tasks\s*:/m.test(text)) return 'yaml';
  return 'markdown';
}

/** Parses text already read (pure: for tests and for stdin). */
/** An importer: `importPlan` of `./import/index.ts`, loaded on demand. */
export type Importer = (format: ImportFormat, inputs: readonly ImportInput[]) => PlanSource;

async function loadImporter(): Promise<Importer> {
  return (await import('./import/index.js')).importPlan;
}

/**
 * Parses text already read (for tests and stdin). Paraplan's own YAML and JSON need nothing more; other formats
 * need the `importer` (pass `importPlan` from `./import/index.js`).
 */
export function parsePlanText(file: string, text: string, format: SourceFormat, importer?: Importer): PlanSource {
  const importPlan = (kind: ImportFormat, inputs: readonly ImportInput[]): PlanSource => {
    if (!importer) throw new Error(`Internal error: parsePlanText needs an importer for ${kind} (${file})`);
    return importer(kind, inputs);
  };
  const texts = new Map([[file, text]]);
  switch (format) {
    case 'yaml':
      return parseYaml(file, text, texts, 'yaml');
    case 'json': {
      // Depth first, on the text: JSON.parse itself recurses.
      if (jsonTextDepth(text) > MAX_NESTING) return failed(file, 'json', texts, [tooDeep(file)]);
      let data: unknown;
      try {
        data = JSON.parse(text);
      } catch (e) {
        return failed(file, 'json', texts, [jsonSyntaxError(file, text, e as Error)]);
      }
      const kind = sniffJsonFormat(data);
      if (kind !== 'json') return importPlan(kind, [{file, text}]);
      return {file, format: 'json', data, locate: jsonLocator(file, text), diagnostics: [], inferences: [], texts};
    }
    case 'markdown':
    case 'csv':
    case 'task-master':
    case 'wfcommons':
      return importPlan(format satisfies ImportFormat, [{file, text}]);
  }
}

/** The deepest bracket nesting of JSON text, strings skipped (each found with indexOf, which is much faster than a loop). */
function jsonTextDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // The closing quote: the next one not escaped by an odd number of backslashes.
      let j = text.indexOf('"', i + 1);
      for (;;) {
        if (j === -1) return max;
        let k = j - 1;
        while (text.charCodeAt(k) === 0x5c) k--;
        if ((j - 1 - k) % 2 === 0) break;
        j = text.indexOf('"', j + 1);
      }
      i = j;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

function failed(file: string, format: SourceFormat, texts: ReadonlyMap<string, string>, diagnostics: Diagnostic[]): PlanSource {
  return {file, format, data: undefined, locate: () => undefined, diagnostics, inferences: [], texts};
}

function tooDeep(file: string): Diagnostic {
  return {
    severity: 'error',
    code: 'too-deep',
    message: `${file} nests lists or maps more than ${MAX_NESTING} levels deep; a plan never needs that, check the file`,
    location: {file, line: 1, column: 1},
  };
}


function parseYaml(file: string, text: string, texts: ReadonlyMap<string, string>, format: SourceFormat): PlanSource {
  const {LineCounter, parseDocument} = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {lineCounter, uniqueKeys: true, prettyErrors: false});
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    const pos = lineCounter.linePos(e.pos[0]);
    const overflow = /call stack/i.test(e.message);
    diagnostics.push({
      severity: 'error',
      code: overflow ? 'too-deep' : 'yaml-syntax',
      message: overflow ? `${file} nests too deeply for a plan; check the file` : `invalid YAML: ${firstLine(e.message)}`,
      location: {file, line: pos.line, column: pos.col, length: Math.max(1, e.pos[1] - e.pos[0])},
    });
  }
  // After the first syntax error the parser is lost; what follows is mostly noise caused by it.
  if (diagnostics.length > 1) {
    const more = diagnostics.length - 1;
    diagnostics.length = 1;
    const first = diagnostics[0]!;
    diagnostics[0] = {...first, message: `${first.message} (and ${more} more YAML error${more === 1 ? '' : 's'} after it, probably caused by this one)`};
  }
  for (const w of doc.warnings) {
    const pos = lineCounter.linePos(w.pos[0]);
    diagnostics.push({severity: 'warning', code: 'yaml-warning', message: firstLine(w.message), location: {file, line: pos.line, column: pos.col}});
  }
  if (diagnostics.some((d) => d.severity === 'error')) return failed(file, format, texts, diagnostics);
  let data: unknown;
  try {
    data = doc.toJS({maxAliasCount: MAX_YAML_ALIASES});
  } catch (e) {
    const bomb = e instanceof ReferenceError || /alias/i.test(String(e));
    return failed(file, format, texts, [
      {
        severity: 'error',
        code: bomb ? 'yaml-alias-bomb' : 'yaml-syntax',
        message: bomb
          ? `${file} expands YAML aliases more than ${MAX_YAML_ALIASES} times (a "billion laughs" pattern); write the values out instead of aliasing them`
          : `invalid YAML: ${firstLine(String(e))}`,
        location: {file, line: 1, column: 1},
      },
    ]);
  }
  if (nestingDepth(data, MAX_NESTING) > MAX_NESTING) return failed(file, format, texts, [tooDeep(file)]);
  return {file, format, data, locate: yamlLocator(file, doc, lineCounter), taskLocator: () => yamlTaskLocator(file, doc, lineCounter), diagnostics, inferences: [], texts};
}

/** Where each item of `tasks` starts and ends, kept as offsets: the YAML document itself can then be let go. */
function yamlTaskLocator(file: string, doc: Document, lineCounter: LineCounter): (index: number) => Location | undefined {
  const {isMap, isPair, isScalar, isSeq} = yaml();
  const root = doc.contents;
  const pair = isMap(root) ? root.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === 'tasks') : undefined;
  const seq = pair?.value;
  const items = isSeq(seq) ? seq.items : [];
  const starts = new Float64Array(items.length).fill(-1);
  const ends = new Float64Array(items.length);
  items.forEach((item, i) => {
    const range = (item as Node | null)?.range;
    if (range) {
      starts[i] = range[0];
      ends[i] = range[1];
    }
  });
  return (index) => {
    if (!(index >= 0 && index < starts.length) || starts[index]! < 0) return undefined;
    return yamlLocation(file, lineCounter, starts[index]!, ends[index]!);
  };
}

function yamlLocation(file: string, lineCounter: LineCounter, start: number, end: number): Location {
  const pos = lineCounter.linePos(start);
  const endPos = lineCounter.linePos(end);
  return {file, line: pos.line, column: pos.col, length: endPos.line === pos.line ? Math.max(1, endPos.col - pos.col) : 1};
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Finds the node at `path`, or the deepest ancestor that exists, and returns where it starts. */
function yamlLocator(file: string, doc: Document, lineCounter: LineCounter): (path: DataPath) => Location | undefined {
  const {isMap, isPair, isScalar, isSeq} = yaml();
  return (path) => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value ?? pair.key;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (item === undefined) break;
        keyNode = undefined;
        node = item;
      } else break;
    }
    const target = (node ?? keyNode) as Node | null | undefined;
    const range = target?.range;
    if (!range) return undefined;
    return yamlLocation(file, lineCounter, range[0], range[1]);
  };
}

/** The display name of a plan source: its `name`, else the file name without extension. */
export function defaultPlanName(file: string): string {
  return basename(file).replace(/\.[^.]+$/, '');
}
