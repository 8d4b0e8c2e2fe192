import {basename, dirname, join, normalize as normalizePath} from 'node:path';
import {parse as parseYaml} from 'yaml';
import type {DependencyKind, Location} from '../../model/index.js';
import {isTaskId} from '../../model/index.js';
import type {PlanSource} from '../source.js';
import {PlanDraft, looksLikeId, nameKey, splitRefs, type DraftGroup, type DraftTask} from './draft.js';
import type {ImportInput} from './index.js';
import {parseBlocks, type Block, type ListItem, type SourceLine} from './markdown-blocks.js';
import {
  TASK_WORDS,
  isCancelledStatus,
  cleanTitle,
  dayRange,
  fieldOfLabel,
  fold,
  groupWord,
  isNoneWord,
  isTaskListTitle,
  parseDone,
  parseEstimateText,
  parseLevel,
  parsePriority,
  parseYesNo,
  plain,
  repairMojibake,
  sectionField,
  type FieldName,
} from './vocabulary.js';

/** Options for the Markdown importer. */
export interface MarkdownOptions {
  /** Which parser reads the blocks; `auto` uses remark except for huge documents. @default 'auto' */
  readonly engine?: 'auto' | 'remark' | 'scanner';
}

interface Section {
  readonly file: string;
  readonly depth: number;
  readonly heading?: {readonly raw: string; readonly title: string; readonly doneMark: boolean; readonly location: Location};
  readonly body: Block[];
  readonly children: Section[];
}

/** Imports Markdown documents (one file, or a main document and the files it links to). */
export function importMarkdown(inputs: readonly ImportInput[], options: MarkdownOptions = {}): PlanSource {
  const ordered = orderInputs(inputs);
  const main = ordered[0]!;
  const read = (outlineTasks: boolean): PlanDraft => {
    const draft = new PlanDraft(main.file, 'markdown', new Map(inputs.map((i) => [i.file, i.text])));
    const reader = new MarkdownReader(draft, options, outlineTasks);
    ordered.forEach((input, k) => reader.readFile(input, k === 0));
    reader.afterAll(main.file);
    return draft;
  };
  const draft = read(false);
  if (draft.tasks.length > 0) return draft.finish();
  // Nothing else reads as a task: headings numbered like an outline ("### 1.1 Extract the indexer", "### 2.3 ...")
  // are the tasks after all. Not tried first, since numbered sections of a document are usually not tasks.
  const outline = read(true);
  if (outline.tasks.length === 0) return draft.finish();
  outline.infer('other', `no task headings, items or tables were found, so the ${outline.tasks.length} headings numbered like 1.1, 1.2, ... are read as the tasks`, {file: main.file, line: 1, column: 1});
  return outline.finish();
}

/** The main document first (README/index/plan, else the one linking to most others), then the files it links to. */
function orderInputs(inputs: readonly ImportInput[]): ImportInput[] {
  if (inputs.length <= 1) return [...inputs];
  const links = new Map<string, string[]>();
  for (const input of inputs) {
    const found: string[] = [];
    for (const m of input.text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)) {
      const target = normalizePath(join(dirname(input.file), decodeURIComponent(m[1]!)));
      const hit = inputs.find((i) => normalizePath(i.file) === target && i !== input);
      if (hit && !found.includes(hit.file)) found.push(hit.file);
    }
    links.set(input.file, found);
  }
  const named = inputs.find((i) => /^(readme|index|plan|main|overview|roadmap)\.(md|markdown|txt)$/i.test(basename(i.file)));
  const main = named ?? [...inputs].sort((a, b) => links.get(b.file)!.length - links.get(a.file)!.length)[0]!;
  const out = [main];
  const visit = (file: string): void => {
    for (const f of links.get(file) ?? []) {
      const input = inputs.find((i) => i.file === f)!;
      if (!out.includes(input)) {
        out.push(input);
        visit(f);
      }
    }
  };
  visit(main.file);
  for (const i of inputs) if (!out.includes(i)) out.push(i);
  return out;
}

// An id as people write them: T001, US-12, Y1-A.4, FND-003, 1.2, 0.1.
const STRONG_ID = /^(?:[A-Z][A-Z0-9]*(?:[-_.][A-Za-z0-9]+)*|\d+(?:\.\d+)+|#\d+)$/;
const TASK_HEAD = new RegExp(
  String.raw`^(?<word>${TASK_WORDS.source.slice(2, -2)})\s*(?:#\s*)?(?<id>[\p{L}\p{N}][\p{L}\p{N}._/-]*)?\s*(?<sep>[:：.)\]–—-]\s*|\s+(?=\S)|$)(?<title>.*)$`,
  'iu',
);
const TOTAL_NOUN = /tasks|stories|waves|batches|phases|stages|sessions|streams|sprints|milestones|tracks|epics|taken|aufgaben|t[aâ]ches|tareas/i;
const MODE_PARALLEL =
  /\b(parallel|parallelizable|parallelisable|concurrent(?:ly)?|independent(?:ly)?|simultaneous(?:ly)?|in parallel|gleichzeitig|parallel uitvoerbaar|en parallele|parallele?s?|paralelo|paralelos|paralelas?)\b|\[p\]|并行|同时|並列|並行/iu;
const MODE_SEQUENTIAL =
  /\b(sequential(?:ly)?|serial(?:ly)?|in order|one after (?:the )?other|one at a time|sequentieel|na elkaar|sequenziell|nacheinander|sequentiel(?:le)?s?|secuencial(?:es)?|secuencialmente|sequencial|uno tras otro|l'une apres l'autre)\b|串行|依次|顺序执行|直列|順次|逐次/iu;
// "This one depends on task 3.", "It can only start after T2 and T4 are merged.", "Blocked by #12."
const BODY_DEP = /\b(depends on|depend on|requires|is blocked by|blocked by|waits for|must wait for|after|once)\s+((?:(?:tasks?|steps?|stories|story|issues?|#)\s*)?[\p{L}\p{N}#](?:[^.;:!?()]|\.(?=[\p{L}\p{N}])){0,60}?)(?=\s+(?:is|are|has|have)\b|[;:!?()]|\.(?![\p{L}\p{N}])|$)/giu;
const DONE_TAIL = /\s+(?:is|are|has been|have been)?\s*(?:complete|completed|done|finished|merged|ready|shipped|deployed)\b.*$/i;
/**
 * A group's own text saying what it waits for: "Starts after Phase 1 is merged", "M2 starts after M1",
 * "Beginnt, sobald Phase 1 abgeschlossen ist", "Nach Abschluss von Phase 1", "Après le lot 1", "démarre une fois le
 * lot 1 terminé". The name is a group word and its number, or a letter-number alias ("M1").
 */
const GROUP_PROSE =
  /(?:^|[\s(,;—–-])(?:after|once|when|requires|needs|depends on|starts? after|na|nach(?:\s+abschluss\s+(?:von|der|des))?|sobald|wenn|apr[eè]s|une fois|d[eè]s que|despu[eé]s de|ap[oó]s|quando)\s+((?:the\s+|le\s+|la\s+|l'|die\s+|der\s+|dem\s+|el\s+|a\s+|o\s+)?(?:(?:batch|wave|phase|stage|sprint|milestone|session|step|fase|golf|etappe|welle|meilenstein|lot|vague|jalon|[eé]tape|lote|etapa|ola)\s+[\p{L}\p{N}.-]+|[A-Z]\d+\b))/iu;

const GROUP_CHAIN = /\b(?:each|every|a|the next)\s+(\p{L}+)\b[^.]*\b(?:previous|prior|preceding|earlier|last)\b|\b(\p{L}+)\s+(?:run|are run|execute|are executed|go|are done|happen)\s+(?:sequentially|in order|one after (?:the )?other|in sequence)\b/iu;

const LABEL_LINE = /^\s*(?:[-*+]\s+)?(?:\*\*|__)(?<label>[^*_\n]{1,60}?)(?:\*\*|__)\s*[:：]?\s*(?<value>.*)$/u;
const LABEL_INSIDE = /^\s*(?:\*\*|__)(?<label>[^*_\n]{1,60}?)[:：]\s*(?:\*\*|__)\s*(?<value>.*)$/u;
const PLAIN_LABEL = /^\s*(?<label>[\p{L}][\p{L} ._/'-]{0,40}?|依赖|前置|优先级|负责人|预计时间|状态)\s*[:：]\s*(?<value>.*)$/u;

interface ParsedHead {
  readonly id?: string;
  readonly title: string;
  readonly byWord: boolean;
  readonly numeric: boolean;
  /** Other names the document may use for the task ("Step 2"). */
  readonly aliases?: readonly string[];
}

interface GroupHead {
  readonly kind: string;
  readonly num?: string;
  readonly id: string;
  readonly title: string;
  readonly aliases: string[];
  /** The title after the group word and number ("Add a limiter" in "Step 1: Add a limiter"). */
  readonly rest?: string;
}

interface Pending {
  field: FieldName | 'unknown';
  label: string;
  location: Location;
  target: DraftTask | DraftGroup | undefined;
}

interface GroupInfo {
  owner?: string;
  description?: string;
  deliverables: string[];
  criteria: string[];
  done?: boolean;
  location: Location;
}

class MarkdownReader {
  readonly #draft: PlanDraft;
  readonly #options: MarkdownOptions;
  readonly #groupInfo = new Map<DraftGroup, GroupInfo>();
  /** List items that start with an id: a task, unless a table or heading defines that id (then a reference). */
  readonly #idItems: {item: ListItem; file: string; group?: DraftGroup; inTaskList: boolean; doneGroup: boolean}[] = [];
  readonly #codeBlocks: {block: Extract<Block, {type: 'code'}>; file: string; field?: FieldName | 'skip'}[] = [];
  readonly #proseDeps: {lines: SourceLine[]; file: string}[] = [];
  readonly #groupTables: {block: Extract<Block, {type: 'table'}>; file: string}[] = [];
  readonly #fallbackLists: {block: Extract<Block, {type: 'list'}>; file: string; section: Section}[] = [];
  readonly #groupsBefore: {group: DraftGroup; text: string; location: Location; quote: string}[] = [];
  readonly #totals: {count: number; noun: string; location: Location; quote: string}[] = [];
  /** Sentences in a task's text that name what it waits for ("This one depends on task 3."). */
  readonly #bodyDeps: {task: DraftTask; phrase: string; location: Location; quote: string; strong: boolean}[] = [];
  /** "Each wave starts when the previous wave is merged": groups of one kind run in document order. */
  readonly #chains: {kind: string; location: Location; quote: string}[] = [];

  /** How many tasks came from list items: a document of checklists has its tasks in checklists. */
  #itemTasks = 0;
  /** Read headings with outline numbers ("1.1 Title") and no sub-sections as tasks (see `importMarkdown`). */
  readonly #outlineTasks: boolean;

  constructor(draft: PlanDraft, options: MarkdownOptions, outlineTasks = false) {
    this.#draft = draft;
    this.#options = options;
    this.#outlineTasks = outlineTasks;
  }

  readFile(input: ImportInput, isMain: boolean): void {
    let blocks: Block[];
    try {
      blocks = parseBlocks(input.text, this.#options.engine ?? 'auto');
    } catch (e) {
      this.#draft.error('markdown-parse', `could not read ${input.file} as Markdown: ${String(e)}`, {file: input.file, line: 1, column: 1});
      return;
    }
    const front = blocks.find((b): b is Extract<Block, {type: 'frontmatter'}> => b.type === 'frontmatter');
    if (front && isMain) this.#frontMatter(front, input.file);
    const root = sectionTree(input.file, blocks.filter((b) => b.type !== 'frontmatter'));
    let top = root;
    const h1s = root.children.filter((s) => s.depth === 1);
    if (isMain && h1s.length === 1 && root.body.every((b) => b.type !== 'list' && b.type !== 'table')) {
      // The one H1 of the main document is its title, not a group.
      const h1 = h1s[0]!;
      this.#draft.name ??= h1.heading!.title;
      this.#draft.description ??= firstParagraph(h1.body);
      top = {file: input.file, depth: 0, body: [...root.body, ...h1.body], children: [...root.children.filter((s) => s !== h1), ...h1.children]};
    } else if (isMain) {
      this.#draft.name ??= basename(input.file).replace(/\.[^.]+$/, '');
    }
    this.#scanTotals(top);
    this.#walk(top, undefined, false, !isMain);
  }

  /** YAML front matter: the plan's name and description; keys paraplan does not use are noted, not lost. */
  #frontMatter(block: Extract<Block, {type: 'frontmatter'}>, file: string): void {
    let data: unknown;
    try {
      data = parseYaml(block.value, {maxAliasCount: 50});
    } catch (e) {
      this.#draft.warn('front-matter', `could not read the front matter as YAML (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); it is ignored`, {file, line: 1, column: 1});
      return;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return;
    const o = data as Record<string, unknown>;
    const name = o['title'] ?? o['name'];
    if (typeof name === 'string' && name.trim() !== '') this.#draft.name ??= name.trim();
    const description = o['description'] ?? o['summary'];
    if (typeof description === 'string' && description.trim() !== '') this.#draft.description ??= description.trim();
    const concurrency = o['concurrency'] ?? o['workers'] ?? o['agents'];
    if (typeof concurrency === 'number' && Number.isSafeInteger(concurrency) && concurrency >= 1) this.#draft.concurrency ??= concurrency;
    this.#draft.infer('other', `front matter read (${Object.keys(o).join(', ')})`, {file, line: 1, column: 1});
  }

  /** Reads one section: its body, then its sub-sections. */
  #walk(section: Section, group: DraftGroup | undefined, inTaskList: boolean, fileLevelGroup: boolean): void {
    this.#readLooseBody(section, group, inTaskList);
    for (const child of section.children) this.#visit(child, group, inTaskList, fileLevelGroup && section.depth === 0);
  }

  #visit(section: Section, group: DraftGroup | undefined, inTaskList: boolean, fileLevelGroup: boolean): void {
    const h = section.heading!;
    const field = sectionField(h.title);
    if (isTaskListTitle(h.title)) {
      this.#walk(section, group, true, false);
      return;
    }
    if (field !== undefined && field !== 'skip' && group) {
      this.#groupSection(group, field, section);
      return;
    }
    if (field === 'needs') {
      // A document-level "Dependencies" section: sentences like "T004-T007 before T008".
      this.#collectProse(section);
      return;
    }
    if (field !== undefined) {
      // "## Verification (parallel)" with a checklist: steps, if the document's other tasks are steps too.
      if (!group) for (const b of section.body) if (b.type === 'list' && b.items.length > 0 && b.items.every((i) => i.checked !== null)) this.#fallbackLists.push({block: b, file: section.file, section});
      this.#collectCode(section, field);
      return;
    }
    const head = parseTaskHead(h.title);
    const gh = parseGroupHead(h.title);
    const hasTaskChildren = section.children.some((c) => containsTaskHeadings(c));
    const fields = fieldScore(section.body);
    const outlineTask = this.#outlineTasks && head?.id !== undefined && /^\d+(?:\.\d+)+$/.test(head.id) && section.children.length === 0;
    const strongHead = head && (head.byWord || (!head.numeric && head.id !== undefined) || group !== undefined || inTaskList || fields > 0 || outlineTask);
    if (strongHead && !hasTaskChildren && !(gh && !head.byWord && fields === 0)) {
      this.#headingTask(section, head, group);
      return;
    }
    // "## Step 3: Add middleware": a step is a unit of work, so a numbered step with no tasks of its own
    // (no task headings, no items with ids) is a task; its checklist is its instructions.
    if (gh?.kind === 'step' && gh.num !== undefined && !hasTaskChildren && !hasIdItems(section)) {
      this.#headingTask(section, {id: this.#draft.slugId(gh.id, gh.id), title: gh.rest || h.title, byWord: false, numeric: false, aliases: gh.aliases}, group);
      return;
    }
    if (gh && (hasTaskChildren || hasTaskLists(section) || fields === 0 || gh.num !== undefined) && !(fields > 0 && !hasTaskChildren && !hasTaskLists(section))) {
      const g = this.#group(section, gh);
      this.#walk(section, g, inTaskList, false);
      return;
    }
    if (fields > 0 && !hasTaskChildren && (group !== undefined || inTaskList || section.depth >= 2)) {
      // "## Phase 2: Store buckets" with task fields: a task that keeps the name "Phase 2" for references.
      const numbered = gh?.num !== undefined ? {id: this.#draft.slugId(gh.id, gh.id), title: gh.rest || h.title, byWord: false, numeric: false, aliases: gh.aliases} : undefined;
      this.#headingTask(section, head ?? numbered ?? {title: h.title, byWord: false, numeric: false}, group);
      return;
    }
    if (hasTaskChildren && (section.depth >= 2 || fileLevelGroup)) {
      const g = this.#plainGroup(section);
      this.#walk(section, g, inTaskList, false);
      return;
    }
    if (fileLevelGroup && hasTaskLists(section)) {
      const g = this.#plainGroup(section);
      this.#walk(section, g, inTaskList, false);
      return;
    }
    this.#walk(section, group, inTaskList, false);
  }

  /** A group from a heading with no group word; its id is made from `name` (the title unless given). */
  #plainGroup(section: Section, name = section.heading!.title): DraftGroup {
    return this.#group(section, {kind: 'group', id: this.#draft.slugId(name, 'group').toLowerCase(), title: section.heading!.title, aliases: []});
  }

  #group(section: Section, gh: GroupHead): DraftGroup {
    const h = section.heading!;
    const g = this.#draft.addGroup({id: gh.id, title: gh.title, location: h.location, aliases: gh.aliases});
    this.#draft.infer('group', `group ${g.id} ("${h.title}")`, h.location);
    this.#groupInfo.set(g, {deliverables: [], criteria: [], location: h.location, ...(h.doneMark ? {done: true} : {})});
    const mode = modeOf(h.title);
    if (mode) {
      g.mode = mode;
      g.modeWhy = {quote: h.title, location: h.location};
    }
    const count = declaredCount(h.title);
    if (count !== undefined) g.declaredCount = count;
    const before = /\bbefore\s+((?:the\s+)?\p{L}+\s+[\p{N}.]+)/iu.exec(h.title);
    if (before) this.#groupsBefore.push({group: g, text: before[1]!, location: h.location, quote: h.title});
    // "## Phase 2 — Integration (sequential, starts after Phase 1 is merged)": the heading says what it waits for.
    const after = GROUP_PROSE.exec(plain(h.title));
    if (after && !g.aliases.some((a) => nameKey(a) === nameKey(after[1]!))) this.#addDep(g, after[1]!, 'prose', h.location, h.title);
    if (h.doneMark) this.#draft.infer('status', `group ${g.id} is marked done ("${h.raw.trim()}")`, h.location);
    return g;
  }

  /** A sub-section of a group that describes it (Deliverables, Success criteria, Dependencies...). */
  #groupSection(group: DraftGroup, field: FieldName | 'skip', section: Section): void {
    const info = this.#groupInfo.get(group);
    const lines = collectLines(section.body);
    for (const c of section.children) lines.push(...collectLines(c.body));
    if (field === 'deliverables' && info) info.deliverables.push(...lines.map((l) => l.text));
    else if (field === 'criteria' && info) info.criteria.push(...lines.map((l) => l.text));
    else if (field === 'needs') {
      for (const l of lines) this.#addDep(group, l.text, 'explicit', loc(section.file, l), l.text);
    } else if (field === 'description' && info) info.description = lines.map((l) => l.text).join('\n');
    this.#collectCode(section, field);
  }

  #collectCode(section: Section, field: FieldName | 'skip'): void {
    const visit = (blocks: readonly Block[]): void => {
      for (const b of blocks) {
        if (b.type === 'code') this.#codeBlocks.push({block: b, file: section.file, field});
        else if (b.type === 'list') for (const item of b.items) visit(item.children);
        else if (b.type === 'quote') visit(b.children);
        else if (b.type === 'table' && field === 'skip') this.#groupTables.push({block: b, file: section.file});
      }
    };
    visit(section.body);
    for (const c of section.children) this.#collectCode(c, field);
  }

  #collectProse(section: Section): void {
    const lines = collectLines(section.body);
    for (const c of section.children) lines.push(...collectLines(c.body));
    this.#proseDeps.push({lines, file: section.file});
    this.#collectCode(section, 'needs');
  }

  /** The body of a section that is not a task: group fields, task lists, task tables, diagrams. */
  #readLooseBody(section: Section, group: DraftGroup | undefined, inTaskList: boolean): void {
    let pending: Pending | undefined;
    for (const b of section.body) {
      switch (b.type) {
        case 'paragraph':
          pending = group ? this.#groupParagraph(group, b.lines, section.file) : undefined;
          break;
        case 'list':
          if (pending && group) {
            for (const item of b.items) this.#applyGroupField(group, pending, itemText(item), itemLoc(section.file, item));
            pending = undefined;
            break;
          }
          this.#looseList(b, section, group, inTaskList);
          break;
        case 'table':
          this.#table(b, section.file, group);
          pending = undefined;
          break;
        case 'code':
          this.#codeBlocks.push({block: b, file: section.file});
          pending = undefined;
          break;
        case 'quote':
          if (group) for (const c of b.children) if (c.type === 'paragraph') this.#groupParagraph(group, c.lines, section.file);
          break;
        default:
          break;
      }
    }
  }

  /** Lines of a group's own text: labels ("Dependencies: Batch 0 complete", "Execute in parallel: YES") and mode words. */
  #groupParagraph(group: DraftGroup, lines: readonly SourceLine[], file: string): Pending | undefined {
    let pending: Pending | undefined;
    for (const l of lines) {
      const lab = labelOf(l.text);
      const location = loc(file, l);
      if (lab) {
        const field = fieldOfLabel(lab.label) ?? 'unknown';
        if (lab.value.trim() === '') {
          pending = {field, label: lab.label, location, target: group};
          continue;
        }
        this.#applyGroupField(group, {field, label: lab.label, location, target: group}, lab.value, location);
        continue;
      }
      const text = plain(repairMojibake(l.text));
      if (group.mode === 'unspecified') {
        const mode = modeOf(text);
        if (mode) {
          group.mode = mode;
          group.modeWhy = {quote: text, location};
        }
      }
      const prose = GROUP_PROSE.exec(text);
      if (prose) this.#addDep(group, prose[1]!, 'prose', location, text);
    }
    return pending;
  }

  #applyGroupField(group: DraftGroup, p: Pending, value: string, location: Location): void {
    const info = this.#groupInfo.get(group);
    const text = plain(repairMojibake(value));
    switch (p.field) {
      case 'needs':
        this.#addDep(group, value, 'explicit', location, `${p.label}: ${text}`);
        return;
      case 'parallel': {
        const yes = parseYesNo(text);
        if (yes !== undefined) {
          group.mode = yes ? 'parallel' : 'sequential';
          group.modeWhy = {quote: `${p.label}: ${text}`, location};
        }
        return;
      }
      case 'owner':
        if (info) info.owner = text.replace(/(^|[\s,;])@(?=[\w.-])/g, '$1');
        return;
      case 'description':
        if (info) info.description = info.description ? `${info.description}\n${text}` : text;
        return;
      case 'deliverables':
        info?.deliverables.push(text);
        return;
      case 'criteria':
        info?.criteria.push(text);
        return;
      case 'status': {
        const done = parseDone(text);
        if (done !== undefined && info) info.done = done;
        return;
      }
      default:
        return;
    }
  }

  #addDep(target: DraftTask | DraftGroup, text: string, kind: DependencyKind, location: Location, quote: string): void {
    if (isNoneWord(text)) return;
    target.deps.push({text: plain(repairMojibake(text)), kind, location, quote: plain(repairMojibake(quote))});
  }

  /** A list outside any task: a task list, id items, a nested group, or nothing. */
  #looseList(list: Extract<Block, {type: 'list'}>, section: Section, group: DraftGroup | undefined, inTaskList: boolean): void {
    const file = section.file;
    const heads = list.items.map((item) => parseItemHead(item));
    const idItems = heads.filter((h) => h.id !== undefined && !h.byBold).length;
    const groupDone = group ? this.#groupInfo.get(group)?.done === true : false;
    // An item that names a group ("Phase 1: Setup") with a task list inside is a group of its own.
    for (let k = 0; k < list.items.length; k++) {
      const item = list.items[k]!;
      const head = heads[k]!;
      const nested = item.children.filter((c): c is Extract<Block, {type: 'list'}> => c.type === 'list');
      let gh = head.id === undefined ? parseGroupHead(head.title) : undefined;
      // "1. Preparation" over "1.1 Inventory", "1.2 Freeze": an item whose sub-items carry ids groups them.
      if (!gh && head.id === undefined && head.title !== '' && item.checked === null && nested.some((n) => n.items.length > 0 && n.items.every((i) => parseItemHead(i).id !== undefined))) {
        gh = {kind: 'group', id: this.#draft.slugId(head.title, 'group').toLowerCase(), title: head.title, aliases: []};
      }
      if (gh && nested.length > 0 && nested.some((n) => n.items.some((i) => looksLikeTaskItem(parseItemHead(i), i)))) {
        const g = this.#draft.addGroup({id: gh.id, title: gh.title, location: itemLoc(file, item), aliases: gh.aliases});
        this.#groupInfo.set(g, {deliverables: [], criteria: [], location: itemLoc(file, item)});
        const mode = modeOf(head.title);
        if (mode) {
          g.mode = mode;
          g.modeWhy = {quote: head.title, location: itemLoc(file, item)};
        }
        for (const n of nested) this.#looseList(n, section, g, true);
        continue;
      }
      const taskLike = inTaskList
        ? head.title !== '' && !fieldOfLabelLine(item)
        : group !== undefined
          ? looksLikeTaskItem(head, item)
          : head.id !== undefined && !head.byBold && idItems * 2 >= list.items.length;
      if (!taskLike) {
        if (group === undefined && !inTaskList && (item.checked !== null || (list.ordered && head.byBold))) this.#fallbackLists.push({block: list, file, section});
        continue;
      }
      if (head.id !== undefined && !head.byBold && !head.byWord) {
        this.#idItems.push({item, file, ...(group ? {group} : {}), inTaskList, doneGroup: groupDone});
        continue;
      }
      this.#itemTask(item, head, file, group);
    }
  }

  /** Creates a task from a list item. */
  #itemTask(item: ListItem, head: ItemHead, file: string, group: DraftGroup | undefined): DraftTask {
    this.#itemTasks++;
    const location = itemLoc(file, item);
    const id = head.id !== undefined && isTaskId(head.id) ? head.id : this.#draft.slugId(head.title, `task-${location.line}`);
    const task = this.#draft.addTask({id, title: head.title || id, location, generatedId: head.id === undefined, ...(group ? {group: group.id} : {})});
    if (head.id !== undefined && !isTaskId(head.id)) task.extra['originalId'] = head.id;
    // "2. **Implement the service** — depends on 1": an item's number names it.
    if (head.id === undefined && item.number !== undefined) task.aliases.push(String(item.number), `step ${item.number}`, `task ${item.number}`);
    this.#draft.infer('task', `task ${task.id} ("${task.title}") from a list item`, location, task.id);
    if (item.checked !== null) this.#setDone(task, item.checked, location, item.checked ? '[x]' : '[ ]');
    else if (head.done !== undefined) this.#setDone(task, head.done, location, head.doneText ?? '');
    if (head.parallel) {
      task.tags.push('parallel');
      task.extra['parallel'] = true;
    }
    task.tags.push(...head.tags);
    task.files.push(...head.files);
    for (const [field, value] of head.inline) this.#applyTaskField(task, field, field, value, location);
    if (head.rest !== '') task.description = head.rest;
    this.#readTaskBlocks(task, item.children.slice(1), file, item.children[0]?.type === 'paragraph' ? item.children[0].lines.slice(1) : []);
    return task;
  }

  #setDone(task: DraftTask, done: boolean, location: Location, why: string): void {
    task.done = done;
    if (done) this.#draft.infer('status', `task ${task.id} is done ("${why}")`, location, task.id);
  }

  /** A task written as a heading with its body. */
  #headingTask(section: Section, head: ParsedHead, group: DraftGroup | undefined): void {
    const h = section.heading!;
    const parsed = splitTitleHints(head.title);
    const id = head.id !== undefined && isTaskId(head.id) ? head.id : this.#draft.slugId(parsed.title, `task-${h.location.line}`);
    const task = this.#draft.addTask({id, title: parsed.title || id, location: h.location, generatedId: head.id === undefined, ...(group ? {group: group.id} : {})});
    if (head.id !== undefined && !isTaskId(head.id)) task.extra['originalId'] = head.id;
    if (head.byWord) task.aliases.push(`task ${head.id ?? ''}`);
    task.aliases.push(...(head.aliases ?? []));
    this.#draft.infer('task', `task ${task.id} ("${task.title}") from a heading`, h.location, task.id);
    if (h.doneMark) this.#setDone(task, true, h.location, '✅');
    for (const [field, value] of parsed.inline) this.#applyTaskField(task, field, field, value, h.location);
    this.#readTaskBlocks(task, section.body, section.file, []);
    for (const child of section.children) {
      const f = sectionField(child.heading!.title) ?? fieldOfLabel(child.heading!.title);
      const lines = collectLines(child.body);
      for (const c of child.children) lines.push(...collectLines(c.body));
      if (f && f !== 'skip') {
        const code = child.body.filter((b): b is Extract<Block, {type: 'code'}> => b.type === 'code');
        if (f === 'criteria' || f === 'deliverables' || f === 'needs' || f === 'blocks' || f === 'files') {
          for (const l of lines) this.#applyTaskField(task, f, child.heading!.title, l.text, loc(section.file, l));
        } else {
          const text = [...lines.map((l) => l.text), ...code.map((c) => c.value)].join('\n');
          this.#applyTaskField(task, f, child.heading!.title, text, child.heading!.location);
        }
      } else if (containsTaskHeadings(child)) {
        this.#visit(child, group, false, false);
      } else {
        const text = [child.heading!.title, ...lines.map((l) => l.text)].join('\n');
        task.instructions = task.instructions ? `${task.instructions}\n\n${text}` : text;
      }
    }
  }

  /** A task's body: labelled fields, instruction blocks, description text. */
  #readTaskBlocks(task: DraftTask, blocks: readonly Block[], file: string, firstLines: readonly SourceLine[]): void {
    let pending: Pending | undefined;
    const description: string[] = [];
    const instructions: string[] = [];
    const steps: string[] = [];
    const readLines = (lines: readonly SourceLine[]): void => {
      for (const l of lines) {
        const lab = labelOf(l.text);
        const location = loc(file, l);
        if (lab) {
          pending = undefined;
          for (const one of moreLabels(lab)) {
            const field = fieldOfLabel(one.label) ?? 'unknown';
            if (one.value.trim() === '') pending = {field, label: one.label, location, target: task};
            else this.#applyTaskField(task, field, one.label, one.value, location);
          }
        } else if (pending && pending.field !== 'unknown') {
          this.#applyTaskField(task, pending.field, pending.label, l.text, location);
        } else {
          const text = plain(repairMojibake(l.text));
          description.push(text);
          for (const m of text.matchAll(BODY_DEP)) this.#bodyDeps.push({task, phrase: m[2]!, location, quote: text, strong: !/^(after|once)$/i.test(m[1]!)});
        }
      }
    };
    readLines(firstLines);
    for (const b of blocks) {
      switch (b.type) {
        case 'paragraph':
          readLines(b.lines);
          break;
        case 'code':
          if (b.lang === 'mermaid' || b.lang === 'json' || b.lang === 'yaml' || b.lang === 'yml') this.#codeBlocks.push({block: b, file});
          if (pending) {
            this.#applyTaskField(task, pending.field, pending.label, b.value, pending.location);
            pending = undefined;
          } else instructions.push(b.value);
          break;
        case 'list':
          for (const item of b.items) {
            const lines = item.children.flatMap((c) => (c.type === 'paragraph' ? c.lines : []));
            const first = lines[0];
            const lab = first ? labelOf(first.text) : undefined;
            const location = itemLoc(file, item);
            if (lab && fieldOfLabel(lab.label)) {
              const all = moreLabels(lab);
              for (const one of all) if (one.value.trim() !== '') this.#applyTaskField(task, fieldOfLabel(one.label) ?? 'unknown', one.label, one.value, location);
              // Nested items belong to the last field of the line.
              const last = all[all.length - 1]!;
              const field = fieldOfLabel(last.label) ?? 'unknown';
              const nested = item.children.filter((c) => c.type === 'list').flatMap((c) => collectLines([c]));
              for (const n of nested) this.#applyTaskField(task, field, last.label, n.text, loc(file, n));
            } else if (pending && pending.field !== 'unknown') {
              this.#applyTaskField(task, pending.field, pending.label, itemText(item), location);
            } else {
              const text = collectLines([{...b, items: [item]}]).map((l) => l.text);
              const mark = item.checked === null ? '-' : item.checked ? '- [x]' : '- [ ]';
              steps.push(text.map((t, i) => (i === 0 ? `${mark} ${t}` : `  ${t}`)).join('\n'));
            }
          }
          if (steps.length > 0) instructions.push(steps.join('\n'));
          steps.length = 0;
          pending = undefined;
          break;
        case 'table':
          this.#fieldTable(task, b, file);
          break;
        case 'quote':
          for (const c of b.children) if (c.type === 'paragraph') readLines(c.lines);
          break;
        default:
          break;
      }
    }
    const desc = description.filter((d) => d !== '').join('\n');
    if (desc !== '') task.description = task.description ? `${task.description}\n${desc}` : desc;
    if (instructions.length > 0) {
      const text = instructions.join('\n\n');
      this.#applyInstructions(task, text, task.location);
    }
  }

  /** A two-column "Field | Value" table inside a task. */
  #fieldTable(task: DraftTask, table: Extract<Block, {type: 'table'}>, file: string): void {
    for (const row of table.rows.slice(1)) {
      if (row.length < 2) continue;
      const field = fieldOfLabel(row[0]!.text);
      if (field) this.#applyTaskField(task, field, row[0]!.text, row[1]!.text, loc(file, row[1]!));
      else task.extra[plain(row[0]!.text)] = plain(row[1]!.text);
    }
  }

  #applyInstructions(task: DraftTask, text: string, location: Location): void {
    const parts = splitInstructionSections(text);
    if (parts.instructions !== '') task.instructions = task.instructions ? `${task.instructions}\n\n${parts.instructions}` : parts.instructions;
    task.criteria.push(...parts.criteria);
    if (parts.returns !== undefined) task.returns = parts.returns;
    task.deliverables.push(...parts.deliverables);
    if (parts.criteria.length > 0) task.fieldLocations.set('criteria', location);
  }

  /** Sets one field of a task from a labelled value. */
  #applyTaskField(task: DraftTask, field: FieldName | 'unknown', label: string, raw: string, location: Location): void {
    const text = plain(repairMojibake(raw));
    switch (field) {
      case 'needs':
        if (!isNoneWord(text)) task.deps.push({text, kind: 'explicit', location, quote: `${plain(label)}: ${text}`});
        return;
      case 'blocks':
        if (!isNoneWord(text)) task.blocks.push({text, kind: 'blocks', location, quote: `${plain(label)}: ${text}`});
        return;
      case 'priority': {
        const p = parsePriority(text);
        if (p) {
          task.priority = p;
          task.fieldLocations.set('priority', location);
        } else this.#unknownValue(task, label, text, location);
        return;
      }
      case 'impact':
      case 'risk': {
        const l = parseLevel(text);
        if (l) {
          task[field] = l;
          task.fieldLocations.set(field, location);
        } else this.#unknownValue(task, label, text, location);
        return;
      }
      case 'estimate':
      case 'storyPoints': {
        const e = parseEstimateText(text);
        if (e?.kind === 'estimate') {
          task.estimate = e.value;
          task.fieldLocations.set('estimate', location);
        } else if (e?.kind === 'story-points' || (field === 'storyPoints' && /^\d+(\.\d+)?$/.test(text))) {
          task.extra['storyPoints'] = e?.kind === 'story-points' ? e.points : Number(text);
        } else if (e?.kind === 'day-span') {
          task.extra['schedule'] = e.text;
          task.estimate ??= `${e.days}d`;
        } else this.#unknownValue(task, label, text, location);
        return;
      }
      case 'owner':
        // "@dana", "@alice, @bob": a mention names the person.
        task.owner = text.replace(/(^|[\s,;])@(?=[\w.-])/g, '$1');
        task.fieldLocations.set('owner', location);
        return;
      case 'agent':
        task.agent = text;
        task.fieldLocations.set('agent', location);
        return;
      case 'status': {
        task.extra['status'] = text;
        if (isCancelledStatus(text)) {
          this.#draft.cancelled(task, text, location);
          return;
        }
        const done = parseDone(text);
        if (done !== undefined) this.#setDone(task, done, location, `${plain(label)}: ${text}`);
        return;
      }
      case 'description':
        task.description = task.description ? `${task.description}\n${text}` : text;
        return;
      case 'instructions':
        this.#applyInstructions(task, raw.trim(), location);
        return;
      case 'criteria':
        task.criteria.push(...splitList(raw));
        task.fieldLocations.set('criteria', location);
        return;
      case 'deliverables':
        task.deliverables.push(...splitList(raw));
        return;
      case 'returns':
        task.returns = task.returns ? `${task.returns}\n${text}` : text;
        return;
      case 'testStrategy':
        task.testStrategy = task.testStrategy ? `${task.testStrategy}\n${text}` : text;
        return;
      case 'size': {
        const n = /(\d[\d,.]*)\s*(k)?/i.exec(text);
        if (n) task.size = Math.round(Number(n[1]!.replace(/,/g, '')) * (n[2] ? 1000 : 1));
        else this.#unknownValue(task, label, text, location);
        return;
      }
      case 'files':
        task.files.push(...text.split(/[,;\s]+/).filter((f) => f !== ''));
        return;
      case 'tags':
        task.tags.push(...text.split(/[,;]+/).map((s) => s.trim()).filter((s) => s !== ''));
        return;
      case 'parallel': {
        const yes = parseYesNo(text);
        if (yes !== undefined) task.extra['parallel'] = yes;
        return;
      }
      case 'group':
        task.extra[plain(label)] = text;
        return;
      case 'id': {
        // "### Agent 1: Extract pricing" + "**Task ID:** BILL-1": the id the document uses for the task.
        const old = task.id;
        if (isTaskId(text) && this.#draft.renameTask(task, text)) {
          this.#draft.infer('task', `task ${old} is ${text} (its ${plain(label)} field)`, location, text);
          return;
        }
        task.extra[plain(label)] = text;
        return;
      }
      case 'title':
      case 'order':
        task.extra[plain(label)] = text;
        return;
      case 'unknown':
        task.extra[plain(repairMojibake(label)).replace(/[:：]$/, '')] = raw.trim();
        return;
    }
  }

  #unknownValue(task: DraftTask, label: string, text: string, location: Location): void {
    this.#draft.warn('unrecognised-value', `task ${task.id}: could not read "${text}" as ${plain(label)}; kept in extra`, location);
    task.extra[plain(label).replace(/[:：]$/, '')] = text;
  }

  /** A table: task rows (an id or title column), group rows (a column naming groups), or nothing. */
  #table(table: Extract<Block, {type: 'table'}>, file: string, group: DraftGroup | undefined): void {
    const header = table.rows[0];
    if (!header || table.rows.length < 2) return;
    const columns = header.map((c) => fieldOfLabel(c.text));
    let idCol = columns.indexOf('id');
    let titleCol = columns.indexOf('title');
    if (idCol === -1 && titleCol !== -1 && idsOnly(table, titleCol)) {
      // "| Task | Description |" with ids under Task, or "| Tâche | Intitulé |": the first is the id, the next title
      // (or the description) the title.
      idCol = titleCol;
      const next = columns.findIndex((c, k) => k !== idCol && c === 'title');
      titleCol = next !== -1 ? next : columns.indexOf('description');
    }
    const recognised = columns.filter((c) => c !== undefined && c !== 'id' && c !== 'title' && c !== 'order').length;
    if (idCol === -1 && titleCol === -1) {
      // A first column whose cells start with ids ("Y1-A.4 pre-commit hook") or name groups.
      const groupCol = header.findIndex((_, k) => table.rows.slice(1).every((r) => r[k] && (parseGroupHead(plain(r[k]!.text)) || /^[.…\s]*$/.test(r[k]!.text))));
      if (groupCol !== -1) {
        this.#groupTables.push({block: table, file});
        return;
      }
      const guess = header.findIndex((_, k) => columns[k] !== 'order' && table.rows.slice(1).filter((r) => STRONG_ID.test(firstToken(r[k]?.text ?? '')) && /\d/.test(firstToken(r[k]?.text ?? ''))).length * 2 >= table.rows.length - 1);
      if (guess === -1 || recognised === 0) return;
      titleCol = guess;
    }
    if (recognised === 0 && !(idCol !== -1 && titleCol !== -1)) return;
    // "Task" columns in tables are titles; a separate "#" or "Order" column only numbers rows.
    const firstKeyCol = titleCol !== -1 ? titleCol : idCol;
    let rowGroup = group;
    for (const row of table.rows.slice(1)) {
      const cells = row.map((c) => c.text);
      const rowLoc = loc(file, row[0] ?? {text: '', line: table.pos.line, column: table.pos.column});
      if (cells.every((c) => /^[\s.…]*$/.test(plain(c)))) {
        this.#draft.warn('elided-row', `table row "${cells.join(' | ')}" is elided ("..."), so the tasks it stands for are not in this document; no task was made for it`, rowLoc);
        continue;
      }
      const keyText = plain(repairMojibake(cells[firstKeyCol] ?? ''));
      let id: string | undefined = idCol !== -1 ? plain(cells[idCol] ?? '') : undefined;
      let title = titleCol !== -1 ? keyText : '';
      if (id === undefined || id === '') {
        const tok = firstToken(keyText);
        if (STRONG_ID.test(tok) || (isTaskId(tok) && /\d/.test(tok) && tok !== keyText)) {
          id = tok.replace(/^#/, '');
          title = keyText.slice(tok.length).replace(/^[\s:：.\-–—]+/, '');
        }
      }
      const cleaned = cleanTitle(title);
      if ((id === undefined || id === '') && cleaned.title === '') continue;
      const genId = id === undefined || id === '' || !isTaskId(id);
      const taskId = genId ? this.#draft.slugId(cleaned.title, `task-${rowLoc.line}`) : id!;
      const task = this.#draft.addTask({id: taskId, title: cleaned.title || taskId, location: rowLoc, generatedId: genId, ...(rowGroup ? {group: rowGroup.id} : {})});
      if (id && !isTaskId(id)) task.extra['originalId'] = id;
      this.#draft.infer('task', `task ${task.id} ("${task.title}") from a table row`, rowLoc, task.id);
      if (cleaned.doneMark) this.#setDone(task, true, rowLoc, '✅');
      row.forEach((cell, k) => {
        if (k === idCol || k === firstKeyCol) return;
        const field = columns[k];
        const at = loc(file, cell);
        const value = cell.text;
        if (field === undefined) {
          if (plain(value) !== '') task.extra[plain((header[k]?.text ?? `column ${k + 1}`))] = plain(value);
          return;
        }
        if (field === 'group') {
          const gh = parseGroupHead(plain(value));
          if (gh) {
            let g = this.#draft.groups.find((x) => nameKey(x.id) === nameKey(gh.id));
            g ??= this.#draft.addGroup({id: gh.id, title: gh.title, location: at, aliases: gh.aliases});
            this.#draft.setGroup(task, g);
            return;
          }
        }
        if (field === 'order') {
          task.extra[plain((header[k]?.text ?? `column ${k + 1}`))] = plain(value);
          return;
        }
        // An empty cell says nothing (an unassigned issue has no owner, not the owner "").
        if (plain(value) === '' || (field === 'needs' && isNoneWord(value))) return;
        this.#applyTaskField(task, field, (header[k]?.text ?? `column ${k + 1}`), value, at);
      });
    }
    rowGroup = undefined;
  }

  /** Text that states totals: "14 tasks", "5 independent, parallel work streams", "3 waves". */
  #scanTotals(root: Section): void {
    const visit = (s: Section): void => {
      const heading = s.heading ? [{text: s.heading.raw, line: s.heading.location.line, column: s.heading.location.column}] : [];
      for (const l of [...heading, ...s.body.flatMap((b) => (b.type === 'paragraph' ? b.lines : b.type === 'quote' ? b.children.flatMap((c) => (c.type === 'paragraph' ? c.lines : [])) : []))]) {
        const chain = GROUP_CHAIN.exec(l.text);
        const chainKind = chain ? groupWord((chain[1] ?? chain[2]!).replace(/s$/i, '')) ?? groupWord(chain[1] ?? chain[2]!) : undefined;
        if (chain && chainKind) this.#chains.push({kind: chainKind, location: loc(s.file, l), quote: plain(l.text)});
        if (!/\d/.test(l.text) || !TOTAL_NOUN.test(l.text)) continue;
        const text = plain(repairMojibake(l.text));
        for (const m of text.matchAll(/(?<!\b(?:first|eerste|erste|premiers?|primer(?:os|as)?|next|volgende|nächsten|last|laatste|top|of|van|von)\s+)\b(\d{1,4})\s+((?:[\p{L}-]+,?\s+){0,3}?)(tasks|subtasks|stories|user stories|waves|batches|phases|stages|sessions|streams|work streams|workstreams|sprints|milestones|tracks|epics|taken|aufgaben|tâches|taches|tareas)\b/giu)) {
          this.#totals.push({count: Number(m[1]), noun: m[3]!.toLowerCase(), location: loc(s.file, l), quote: m[0]});
        }
      }
      s.children.forEach(visit);
    };
    visit(root);
  }

  /** Everything that needs all tasks known: id items, group tables, diagrams, prose, gates, totals. */
  /** `mainFile`: the document the plan is read from (where a plan-wide finding is located). */
  afterAll(mainFile: string): void {
    const draft = this.#draft;
    const known = new Set(draft.tasks.map((t) => t.id));
    // Id items: a new task, or a reference to a task defined elsewhere (status, group membership).
    for (const {item, file, group, doneGroup} of this.#idItems) {
      const head = parseItemHead(item);
      const location = itemLoc(file, item);
      const rangeIds = idsInText(head.raw, known);
      if (head.id !== undefined && known.has(head.id)) {
        const done = item.checked ?? parseDone(head.raw) ?? (doneGroup ? true : undefined);
        for (const id of rangeIds.length > 0 ? rangeIds : [head.id]) {
          const task = draft.tasks.find((t) => t.id === id)!;
          if (group && task.group === undefined) {
            draft.setGroup(task, group);
            draft.infer('group', `task ${id} is in group ${group.id} (listed there: "${head.raw}")`, location, id);
          }
          if (done === true && task.done !== true) this.#setDone(task, true, location, head.raw);
        }
        continue;
      }
      this.#itemTask(item, head, file, group);
      known.add(head.id!);
    }
    // Spec-kit style: in a group where some items are marked [P], an unmarked task waits for those before it.
    for (const g of draft.groups) {
      if (!g.tasks.some((t) => t.extra['parallel'] === true) || g.mode !== 'unspecified') continue;
      let barrier: DraftTask[] = [];
      let run: DraftTask[] = [];
      for (const t of g.tasks) {
        if (t.extra['parallel'] === true) {
          for (const b of barrier) t.deps.push({text: b.id, kind: 'sequential-order', location: t.location, quote: `[P] tasks wait for ${b.id}, the unmarked task before them`});
          run.push(t);
        } else {
          for (const b of run.length > 0 ? run : barrier) t.deps.push({text: b.id, kind: 'sequential-order', location: t.location, quote: `${t.id} has no [P] mark: it waits for the tasks before it`});
          barrier = [t];
          run = [];
        }
      }
    }
    for (const b of this.#groupsBefore) {
      // "Phase 2 ... MUST COMPLETE BEFORE PHASE 3": the later group waits for this one.
      const later = this.#findGroup(b.text);
      if (later && later !== b.group) later.deps.push({text: b.group.id, kind: 'prose', location: b.location, quote: b.quote, exact: true});
    }
    this.#groupTableRows();
    this.#diagrams();
    this.#prose();
    this.#readBodyDeps();
    this.#groupChains();
    this.#unorderedNumberedGroups();
    this.#outlineParents();
    // Tasks still none: take the checklists and ordered lists of any section.
    const readList = (block: Extract<Block, {type: 'list'}>, file: string, section: Section): void => {
      let g: DraftGroup | undefined;
      if (section.heading && section.depth >= 1) {
        const gh = parseGroupHead(section.heading.title);
        // "Cut-over (sequential)": the marker sets the mode (in #group) and stays out of the id.
        const name = section.heading.title.replace(/\s*[(（][^)）]*[)）]\s*$/u, '') || section.heading.title;
        g = draft.groups.find((x) => x.location === section.heading!.location) ?? (gh ? this.#group(section, gh) : this.#plainGroup(section, name));
      }
      for (const item of block.items) {
        const head = parseItemHead(item);
        if (head.title !== '') this.#itemTask(item, head, file, g);
      }
    };
    if (draft.tasks.length === 0) {
      const seen = new Set<Block>();
      for (const {block, file, section} of this.#fallbackLists) {
        if (seen.has(block)) continue;
        seen.add(block);
        readList(block, file, section);
      }
    } else {
      // A checklist beside tasks that came from checklists is more of them ("## Phase 1: Build" then "## Final
      // checks"); under a heading named like a field ("## Acceptance criteria") only when its heading gives a mode.
      // The others are named, so nothing is dropped without a word.
      const itemDoc = this.#itemTasks > 0;
      const seen = new Set<Block>();
      for (const {block, file, section} of this.#fallbackLists) {
        if (seen.has(block)) continue;
        seen.add(block);
        const title = section.heading?.title ?? '';
        const checklist = block.items.every((i) => i.checked !== null);
        if (itemDoc && checklist && section.heading && (sectionField(title) === undefined || modeOf(title) !== undefined)) {
          readList(block, file, section);
          draft.infer('other', `the checklist under "${title}" is read as tasks, like the document's other checklists`, {file, line: block.pos.line, column: block.pos.column});
          continue;
        }
        const where = section.heading ? `under "${section.heading.title}"` : 'outside any task section';
        draft.diagnostics.push({
          severity: 'info',
          code: 'list-not-tasks',
          message: `a list of ${block.items.length} item(s) ${where} was not read as tasks (it is outside the plan's task sections); it is ignored`,
          location: {file, line: block.pos.line, column: block.pos.column},
        });
      }
    }
    this.#groupDetails();
    this.#checkTotals();
    if (draft.tasks.length === 0) {
      draft.warn('no-tasks-found', 'found no tasks: write them as headings ("### Task 1: ..."), checklists ("- [ ] T001 ..."), numbered lists under a "Tasks" heading, or a table with an id or task column', {file: mainFile, line: 1, column: 1});
    }
  }

  /** Tables whose rows name groups ("Session 1 | ... | Dependencies: None"): group needs and owners. */
  #groupTableRows(): void {
    for (const {block, file} of this.#groupTables) {
      const header = block.rows[0] ?? [];
      const columns = header.map((c) => fieldOfLabel(c.text));
      for (const row of block.rows.slice(1)) {
        const key = row.find((c) => parseGroupHead(plain(c.text)));
        if (!key) continue;
        const g = this.#findGroup(plain(key.text));
        if (!g) continue;
        row.forEach((cell, k) => {
          const field = columns[k];
          const at = loc(file, cell);
          if (field === 'needs') {
            if (isNoneWord(cell.text)) this.#draft.infer('group', `group ${g.id} needs no other group ("${plain((header[k]?.text ?? `column ${k + 1}`))}: ${plain(cell.text)}")`, at);
            else this.#addDep(g, cell.text, 'explicit', at, `${plain((header[k]?.text ?? `column ${k + 1}`))}: ${plain(cell.text)}`);
          } else if (field === 'owner') {
            const info = this.#groupInfo.get(g);
            if (info && !info.owner) info.owner = plain(cell.text);
          }
        });
      }
    }
  }

  #findGroup(name: string): DraftGroup | undefined {
    const key = nameKey(name);
    const gh = parseGroupHead(name);
    return this.#draft.groups.find((g) => nameKey(g.id) === key || nameKey(g.title) === key || g.aliases.some((a) => nameKey(a) === key) || (gh !== undefined && g.id === gh.id));
  }

  /** Names a task or group of the document, for diagrams and prose. */
  #lookup(name: string): {tasks: DraftTask[]} | {group: DraftGroup} | undefined {
    const text = plain(repairMojibake(name))
      .replace(/^["'`[(]+|["'`\])]+$/g, '')
      .trim();
    if (text === '') return undefined;
    const tasks = this.#draft.tasks.filter((t) => t.id === text);
    if (tasks.length > 0) return {tasks};
    const key = nameKey(text);
    const g = this.#findGroup(text);
    if (g) return {group: g};
    const byTitle = this.#draft.tasks.filter((t) => nameKey(t.title) === key || nameKey(t.id) === key || t.aliases.some((a) => nameKey(a) === key));
    if (byTitle.length === 1) return {tasks: byTitle};
    const m = /^(?:task|taak|step|story)\s+#?(\S+)$/i.exec(text);
    if (m) {
      const hit = this.#draft.tasks.filter((t) => t.id === m[1]);
      if (hit.length > 0) return {tasks: hit};
    }
    return undefined;
  }

  #edge(from: string, to: string, kind: DependencyKind, location: Location, quote: string): boolean {
    const a = this.#lookup(from);
    const b = this.#lookup(to);
    if (!a || !b) return false;
    const ids = 'tasks' in a ? a.tasks.map((t) => t.id) : [a.group.id];
    if ('group' in b) {
      for (const id of ids) b.group.deps.push({text: id, kind, location, quote});
    } else for (const t of b.tasks) for (const id of ids) if (!t.deps.some((d) => d.text === id)) t.deps.push({text: id, kind, location, quote});
    return true;
  }

  /** Mermaid graphs, arrow chains in code blocks, JSON/YAML dependency maps, ASCII trees. */
  #diagrams(): void {
    for (const {block, file, field} of this.#codeBlocks) {
      const lang = block.lang;
      if (lang === 'mermaid') {
        this.#mermaid(block, file);
        continue;
      }
      if (lang === 'json' || lang === 'yaml' || lang === 'yml') {
        this.#structuredDeps(block, file);
        continue;
      }
      // Any section's code block may draw the order ("OBS-1 -> OBS-2" under Overview): a line counts only when every
      // part of it is a task or group of the plan.
      this.#arrowLines(block.value.split('\n').map((text, k) => ({text, line: block.valueLine + k, column: 1})), file, 'diagram');
    }
  }

  #mermaid(block: Extract<Block, {type: 'code'}>, file: string): void {
    const labels = new Map<string, string>();
    // A node id may hold single hyphens but never `--` or `->`, which start a link (`A --> B[Beta]`). Its length is
    // bounded so that a long run of id characters cannot make the search quadratic.
    const nodeRe = /([A-Za-z0-9_](?:[A-Za-z0-9_.:]|-(?![->])){0,63})\s*(?:\[\[?|\(\(?|\{\{?|>)\s*"?([^\]\)}"]*)"?\s*(?:\]\]?|\)\)?|\}\}?)/g;
    const lines = block.value.split('\n');
    for (const l of lines) for (const m of l.matchAll(nodeRe)) if (!labels.has(m[1]!)) labels.set(m[1]!, m[2]!.trim());
    const edges: {from: string; to: string; line: number; text: string}[] = [];
    lines.forEach((raw, k) => {
      const l = raw.replace(/%%.*$/, '').trim();
      if (!/--|==|-\.-/.test(l) || /^(graph|flowchart|subgraph|classDef|style|linkStyle|click)\b/.test(l)) return;
      const parts = l
        .replace(nodeRe, '$1')
        .split(/\s*(?:-->|==>|-\.->|---|--[^-|>]+-->|==[^=>]+==>)\s*(?:\|[^|]*\|)?\s*/)
        .map((p) => p.trim())
        .filter((p) => p !== '');
      for (let i = 1; i < parts.length; i++) {
        for (const from of parts[i - 1]!.split(/\s*&\s*/)) for (const to of parts[i]!.split(/\s*&\s*/)) edges.push({from, to, line: block.valueLine + k, text: l});
      }
    });
    if (edges.length === 0) return;
    // A document with no tasks but a graph: the graph's nodes are the tasks.
    if (this.#draft.tasks.length === 0) {
      const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))];
      for (const n of nodes) {
        const line = edges.find((e) => e.from === n || e.to === n)!.line;
        const id = isTaskId(n) ? n : this.#draft.slugId(labels.get(n) ?? n, `node-${line}`);
        const t = this.#draft.addTask({id, title: labels.get(n) || n, location: {file, line, column: 1}, generatedId: !isTaskId(n)});
        this.#draft.infer('task', `task ${t.id} ("${t.title}") from a Mermaid node`, t.location, t.id);
      }
    }
    let understood = 0;
    for (const e of edges) {
      const location = {file, line: e.line, column: 1};
      const ok =
        this.#edge(e.from, e.to, 'diagram', location, e.text) ||
        this.#edge(labels.get(e.from) ?? e.from, labels.get(e.to) ?? e.to, 'diagram', location, e.text) ||
        this.#edge(labels.get(e.from) ?? e.from, e.to, 'diagram', location, e.text) ||
        this.#edge(e.from, labels.get(e.to) ?? e.to, 'diagram', location, e.text);
      if (ok) understood++;
      else this.#draft.warn('diagram-unknown-node', `Mermaid edge "${e.text}" names a node that is no task or group of this plan; edge ignored`, location);
    }
    if (understood > 0) this.#draft.infer('other', `${understood} edges read from a Mermaid graph`, {file, line: block.pos.line, column: 1});
  }

  /** Lines like "A -> B -> C", "T1, T2 → T3", "Phase 1 => Phase 2": edges when every part is a task or group. */
  #arrowLines(lines: readonly SourceLine[], file: string, kind: DependencyKind): void {
    for (const l of lines) {
      const text = plain(repairMojibake(l.text)).trim();
      if (/^[│├└┌┐┘┬┴┼─|`+\\]/u.test(text)) continue;
      const header = /^\[([^\]]+)\]\s*(.*)$/.exec(text);
      if (header) {
        // "[Batch 1: Code Migration - PARALLEL] (4 agents)": a group's mode and size, drawn.
        const name = header[1]!.split(/\s+[-–—]\s+/)[0]!;
        const g = this.#findGroup(name) ?? this.#findGroup(name.split(':')[0]!);
        if (g) {
          const mode = modeOf(header[1]!);
          if (mode && g.mode === 'unspecified') {
            g.mode = mode;
            g.modeWhy = {quote: text, location: loc(file, l)};
          } else if (mode && mode !== g.mode) {
            this.#draft.warn('group-contradiction', `the diagram says group ${g.id} is ${mode} ("${text}"), its heading says ${g.mode}`, loc(file, l));
          }
          const n = declaredCount(text);
          if (n !== undefined && g.declaredCount === undefined) g.declaredCount = n;
        }
        continue;
      }
      const parts = text.split(/\s*(?:-{1,2}>|={1,2}>|→|⟶|➜|➔|─+>|⇒)\s*/u).filter((p) => p !== '');
      if (parts.length < 2) continue;
      const lists = parts.map((p) => p.split(/\s*(?:,|&|\+|\band\b)\s*/).filter((x) => x !== ''));
      if (!lists.every((names) => names.length > 0 && names.every((n) => this.#lookup(n)))) continue;
      for (let i = 1; i < lists.length; i++) for (const from of lists[i - 1]!) for (const to of lists[i]!) this.#edge(from, to, kind, loc(file, l), text);
    }
  }

  #structuredDeps(block: Extract<Block, {type: 'code'}>, file: string): void {
    let data: unknown;
    try {
      data = block.lang === 'json' ? JSON.parse(block.value) : parseYaml(block.value, {maxAliasCount: 50});
    } catch {
      return;
    }
    const location = {file, line: block.valueLine, column: 1};
    const quote = `${block.lang} block`;
    const visit = (v: unknown, depth: number): void => {
      if (depth > 8 || v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const x of v) visit(x, depth + 1);
        return;
      }
      const o = v as Record<string, unknown>;
      const id = o['id'] ?? o['task'] ?? o['name'];
      const deps = o['depends_on'] ?? o['dependsOn'] ?? o['dependencies'] ?? o['needs'] ?? o['after'] ?? o['requires'];
      if ((typeof id === 'string' || typeof id === 'number') && deps !== undefined) {
        for (const d of Array.isArray(deps) ? deps : [deps]) if (typeof d === 'string' || typeof d === 'number') this.#edge(String(d), String(id), 'explicit', location, quote);
      }
      for (const [k, val] of Object.entries(o)) {
        if (Array.isArray(val) && val.every((x) => typeof x === 'string' || typeof x === 'number') && this.#lookup(k)) {
          for (const d of val) this.#edge(String(d), k, 'explicit', location, `${quote}: ${k}`);
        } else visit(val, depth + 1);
      }
    };
    visit(data, 0);
  }

  /** Sentences in a "Dependencies" section: "T004-T007 before T008", "T008 blocks T009", "Phase 2 after Phase 1". */
  #prose(): void {
    for (const {lines, file} of this.#proseDeps) {
      for (const l of lines) {
        const text = plain(repairMojibake(l.text));
        const location = loc(file, l);
        let m = /^(.+?)\s+(?:before|blocks?|must (?:be )?(?:done|complete|finish(?:ed)?) before|precedes?|voor|vor|avant|antes de)\s+(.+?)[.)]?$/i.exec(text);
        let pairs: [string, string] | undefined;
        if (m) pairs = [m[1]!, m[2]!];
        else if ((m = /^(.+?)\s+(?:after|depends on|requires|needs|is blocked by|blocked by|waits for|na|nach|apres|despues de)\s+(.+?)[.)]?$/i.exec(text))) pairs = [m[2]!, m[1]!];
        if (pairs) {
          const froms = this.#expandNames(pairs[0]);
          const tos = this.#expandNames(pairs[1]);
          if (froms.length > 0 && tos.length > 0) {
            for (const a of froms) for (const b of tos) this.#edge(a, b, 'prose', location, text);
            continue;
          }
        }
        this.#arrowLines([l], file, 'prose');
      }
    }
  }

  /** Dependencies said in a task's prose: kept when every name in them is a task or group of the plan. */
  #readBodyDeps(): void {
    for (const d of this.#bodyDeps) {
      const phrase = d.phrase.replace(DONE_TAIL, '').trim();
      const names = this.#expandNames(phrase).filter((n) => !d.task.aliases.includes(n) && n !== d.task.id);
      if (names.length > 0) {
        for (const n of names) this.#edge(n, d.task.id, 'prose', d.location, d.quote);
      } else if (d.strong && /\d|#/.test(phrase)) {
        this.#draft.diagnostics.push({
          severity: 'info',
          code: 'prose-dependency-unread',
          message: `task ${d.task.id}: the text "${d.quote}" seems to name a dependency ("${phrase}"), but it names no task or group of this plan; no dependency was added`,
          location: d.location,
        });
      }
    }
  }

  /** "Each wave starts when the previous one is merged": each group of that kind needs the one before it. */
  #groupChains(): void {
    for (const c of this.#chains) {
      const groups = this.#draft.groups.filter((g) => g.id.startsWith(`${c.kind}-`) && g.tasks.length > 0);
      for (let k = 1; k < groups.length; k++) {
        const g = groups[k]!;
        if (g.deps.length > 0) continue;
        g.deps.push({text: groups[k - 1]!.id, kind: 'prose', location: c.location, quote: c.quote, exact: true});
      }
    }
  }

  /**
   * "Wave 1", "Wave 2", "Wave 3" with nothing between them (no group or task dependency, no "each wave waits for the
   * previous" line): most authors mean them in order, but the document does not say so. Nothing is added; the
   * author is told, since the schedule runs them all at once.
   */
  #unorderedNumberedGroups(): void {
    const byKind = new Map<string, DraftGroup[]>();
    for (const g of this.#draft.groups) {
      // Only words that mean a stage of one sequence: sessions, tracks and streams are usually side by side.
      const m = /^(wave|batch|phase|stage|step)-\d+$/.exec(g.id);
      if (!m || g.tasks.length === 0) continue;
      const list = byKind.get(m[1]!);
      if (list) list.push(g);
      else byKind.set(m[1]!, [g]);
    }
    for (const [kind, groups] of byKind) {
      if (groups.length < 2 || groups.some((g) => g.deps.length > 0 || g.tasks.some((t) => t.deps.length > 0))) continue;
      const names = groups.map((g) => g.title.replace(/\s*[(（\[].*$/u, '').replace(/[:：]\s*$/, '') || g.id);
      this.#draft.warn(
        'unordered-groups',
        `${names.join(', ')} are numbered, but nothing says one waits for another, so their tasks may all run at once; if each ${kind} waits for the one before, write "Depends on: ${names[0]}" under ${names[1]} (and so on), or a line like "each ${kind} starts when the previous one is done"`,
        groups[1]!.location,
      );
    }
  }

  /** Outline ids: "2.1" with "2.1.1" and "2.1.2" under it is done when they are, and they wait for what it waits for. */
  #outlineParents(): void {
    const tasks = this.#draft.tasks.filter((t) => /^\d+(?:\.\d+)+$/.test(t.id));
    if (tasks.length < 3) return;
    for (const parent of tasks) {
      const children = tasks.filter((t) => t.id.startsWith(`${parent.id}.`) && !t.id.slice(parent.id.length + 1).includes('.') && t.location.file === parent.location.file);
      if (children.length === 0) continue;
      const inherited = parent.deps.filter((d) => !children.some((c) => c.id === d.text));
      for (const c of children) for (const d of inherited) if (!c.deps.some((x) => x.text === d.text)) c.deps.push({...d, quote: `${d.quote} (inherited from ${parent.id})`});
      for (const c of children) parent.deps.push({text: c.id, kind: 'explicit', location: c.location, quote: `${c.id} is a sub-task of ${parent.id}`, exact: true});
      parent.extra['subtasks'] = children.map((c) => c.id);
      this.#draft.infer('dependency', `task ${parent.id} has sub-tasks ${children.map((c) => c.id).join(', ')}: it waits for them, and they wait for what it waits for`, parent.location, parent.id);
    }
  }

  /** "T004-T007", "T001, T002", "Phase 1": the names a phrase stands for (empty when any part is unknown). */
  #expandNames(phrase: string): string[] {
    // "Setup (T001-T003)": the ids in parentheses say it best.
    const inner = /\(([^)]*)\)/.exec(phrase);
    if (inner && this.#expandNamesPlain(inner[1]!).length > 0) return this.#expandNamesPlain(inner[1]!);
    return this.#expandNamesPlain(phrase.replace(/\([^)]*\)/g, ''));
  }

  #expandNamesPlain(phrase: string): string[] {
    const out: string[] = [];
    const known = new Set(this.#draft.tasks.map((t) => t.id));
    for (const ref of splitRefs(phrase)) {
      const cleaned = ref.replace(/^(?:all|the|tasks?)\s+/i, '').trim();
      if (this.#lookup(cleaned)) {
        out.push(cleaned);
        continue;
      }
      const ids = idsInText(cleaned, known);
      if (ids.length === 0) return [];
      out.push(...ids);
    }
    return out;
  }

  /** Group owners, done marks, deliverables and criteria reach the group's tasks or a gate at its end. */
  #groupDetails(): void {
    for (const [g, info] of this.#groupInfo) {
      for (const t of g.tasks) {
        if (info.owner && t.owner === undefined) t.owner = info.owner;
        if (info.done === true && t.done === undefined) this.#setDone(t, true, info.location, `group ${g.id} is marked done`);
      }
      if ((info.deliverables.length > 0 || info.criteria.length > 0) && g.tasks.length > 0) {
        // The group's deliverables have no single task: a gate after the group carries them.
        const id = this.#draft.slugId(`${g.id}-done`, `${g.id}-done`);
        const gate = this.#draft.addTask({id, title: `${g.title}: done`, location: info.location, generatedId: true});
        gate.gate = true;
        gate.deliverables.push(...info.deliverables);
        gate.criteria.push(...info.criteria);
        if (info.description) gate.description = info.description;
        if (info.owner) gate.owner = info.owner;
        gate.deps.push({text: g.id, kind: 'group-barrier', location: info.location, quote: `${g.title} complete`});
        this.#draft.infer('task', `gate ${id}: group ${g.id} complete, with its deliverables`, info.location, id);
      }
    }
  }

  #checkTotals(): void {
    const draft = this.#draft;
    for (const t of this.#totals) {
      const noun = t.noun;
      let found: number;
      let what: string;
      if (/^(tasks|subtasks|taken|aufgaben|tâches|taches|tareas|stories|user stories)$/.test(noun)) {
        found = draft.tasks.filter((x) => !x.gate).length;
        what = 'tasks';
      } else {
        const kind = groupWord(noun.replace(/^work ?/, '').replace(/s$/, '')) ?? groupWord(noun) ?? (/(stream|workstream)/.test(noun) ? 'stream' : undefined);
        const groups = draft.groups.filter((g) => g.tasks.length > 0);
        const same = groups.filter((g) => kind !== undefined && g.id.startsWith(`${kind}-`));
        found = same.length > 0 ? same.length : groups.length;
        what = same.length > 0 ? `${kind} groups` : 'groups';
        if (groups.length === 0) continue;
      }
      if (found === t.count) draft.infer('other', `the document says "${t.quote}"; ${found} ${what} were found`, t.location);
      else draft.warn('declared-count', `the document says "${t.quote}" but ${found} ${what} were found; check that every one was written in a form the importer reads`, t.location);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Pure helpers

/** A paragraph opened by a bold line: "**Task 1: Set up the database**", "**FAL-21: Invite users** — 5 pts". */
/** A line opened by bold text: "**Task 1: Set up DB**", "**FAL-21: Invite users** — 5 pts", "__A1. Add user_id__". */
const BOLD_LEAD = /^\s*(?:\*\*([^*\n]+?)\*\*|__([^_\n]+?)__)\s*(.*)$/;

/** The heading text of a bold line that names a task the way a heading would, else undefined. */
function boldTaskLine(text: string): string | undefined {
  const m = BOLD_LEAD.exec(text);
  if (!m) return undefined;
  const inner = (m[1] ?? m[2]!).trim();
  const tail = m[3]!;
  if (/[:：]\s*$/.test(inner) || (tail !== '' && !/^(?:[—–-]\s|\()/.test(tail))) return undefined;
  const head = parseTaskHead(inner);
  if (!head || (!head.byWord && head.numeric)) return undefined;
  return `${inner}${tail ? ` ${tail}` : ''}`;
}

/**
 * Bold lines that name tasks the way headings would ("**Task 1: Set up DB**", "**FAL-21: Invite users**") open
 * tasks like headings one level below the current one: plans written by assistants use them for headings, one per
 * paragraph or several in a row. Field labels ("**Priority:** P1") and bold words that name no task are left alone.
 */
function boldHeading(b: Block, depth: number): Block[] | undefined {
  if (b.type !== 'paragraph' || b.lines.length === 0 || boldTaskLine(b.lines[0]!.text) === undefined) return undefined;
  const out: Block[] = [];
  let rest: SourceLine[] = [];
  const flush = (): void => {
    if (rest.length > 0) out.push({type: 'paragraph', lines: rest, pos: {line: rest[0]!.line, column: rest[0]!.column, endLine: rest[rest.length - 1]!.line}});
    rest = [];
  };
  for (const l of b.lines) {
    const raw = boldTaskLine(l.text);
    if (raw === undefined) {
      rest.push(l);
      continue;
    }
    flush();
    out.push({type: 'heading', depth: Math.min(depth + 1, 7), raw, pos: {line: l.line, column: l.column, endLine: l.line}});
  }
  flush();
  return out;
}

function sectionTree(file: string, blocks: readonly Block[]): Section {
  const root: Section = {file, depth: 0, body: [], children: []};
  const stack: Section[] = [root];
  // Bold-line headings nest under the last real heading, and the next real heading of that level or above ends them.
  let realDepth = 0;
  const expanded: Block[] = [];
  for (const b of blocks) {
    if (b.type === 'heading') realDepth = b.depth;
    expanded.push(...(boldHeading(b, realDepth) ?? [b]));
  }
  for (const b of expanded) {
    if (b.type === 'heading') {
      while (stack.length > 1 && stack[stack.length - 1]!.depth >= b.depth) stack.pop();
      const {title, doneMark} = cleanTitle(b.raw);
      const s: Section = {file, depth: b.depth, heading: {raw: b.raw, title, doneMark, location: {file, line: b.pos.line, column: b.pos.column}}, body: [], children: []};
      stack[stack.length - 1]!.children.push(s);
      stack.push(s);
    } else stack[stack.length - 1]!.body.push(b);
  }
  return root;
}

function firstParagraph(blocks: readonly Block[]): string | undefined {
  for (const b of blocks) {
    const lines = b.type === 'paragraph' ? b.lines : b.type === 'quote' ? b.children.flatMap((c) => (c.type === 'paragraph' ? c.lines : [])) : undefined;
    if (lines) {
      const text = lines.map((l) => plain(repairMojibake(l.text))).join(' ').trim();
      if (text !== '') return text.length > 500 ? `${text.slice(0, 497)}...` : text;
    }
  }
  return undefined;
}

function loc(file: string, l: {line: number; column: number}): Location {
  return {file, line: l.line, column: l.column};
}

function itemLoc(file: string, item: ListItem): Location {
  return {file, line: item.pos.line, column: item.pos.column};
}

function firstToken(text: string): string {
  return (/^\S+/.exec(plain(text).trim())?.[0] ?? '').replace(/[:：,]$/, '');
}

/** A "**Label:** value" or "Label: value" line; plain labels only when they name a known field. */
function labelOf(text: string): {label: string; value: string} | undefined {
  const m = LABEL_INSIDE.exec(text) ?? LABEL_LINE.exec(text);
  if (m) {
    const label = m.groups!['label']!.trim().replace(/[:：]$/, '');
    const value = m.groups!['value']!;
    // "**Fix TypeScript Errors** (Day 1-2)" and "**Testing** (Day 4)" are bold titles, not labels: a label has a colon.
    if (!/[:：]/.test(m[0].slice(0, m[0].length - value.length))) return undefined;
    return {label, value};
  }
  const p = PLAIN_LABEL.exec(plain(text));
  if (p && fieldOfLabel(p.groups!['label']!)) return {label: p.groups!['label']!, value: p.groups!['value']!};
  return undefined;
}

/** A known field label later in a value: `| **Estimate:** 2h`, ` · Owner: kim`, `, Priority: P1`. */
const NEXT_LABEL = /(?:\s*[|·•;,]\s*|\s+[—–]\s+)(?:\*\*|__)?([\p{L}][^:：|·•;,*_]{0,38}?)(?:\*\*|__)?\s*[:：](?:\*\*|__)?(?:\s+|$)/gu;

/**
 * Splits a line that holds several fields ("**Priority:** P1 | **Estimate:** 2h | **Depends on:** T1",
 * "Owner: @kim · Estimate: ~2 days") into one label and value each. Only labels that name a known field split a
 * value, so "Notes: see a.md; b: c" stays whole.
 */
function moreLabels(first: {label: string; value: string}): {label: string; value: string}[] {
  const out: {label: string; value: string}[] = [];
  let label = first.label;
  let from = 0;
  const value = first.value;
  for (const m of value.matchAll(NEXT_LABEL)) {
    if (!fieldOfLabel(m[1]!)) continue;
    out.push({label, value: value.slice(from, m.index).trim()});
    label = m[1]!.trim();
    from = m.index + m[0].length;
  }
  out.push({label, value: out.length === 0 ? value : value.slice(from).trim()});
  return out;
}

function fieldOfLabelLine(item: ListItem): boolean {
  const first = item.children[0];
  if (first?.type !== 'paragraph' || !first.lines[0]) return false;
  const lab = labelOf(first.lines[0].text);
  return lab !== undefined && fieldOfLabel(lab.label) !== undefined && fieldOfLabel(lab.label) !== 'title';
}

function collectLines(blocks: readonly Block[]): SourceLine[] {
  const out: SourceLine[] = [];
  for (const b of blocks) {
    if (b.type === 'paragraph') for (const l of b.lines) out.push({...l, text: plain(repairMojibake(l.text))});
    else if (b.type === 'list') {
      for (const item of b.items) {
        const inner = collectLines(item.children);
        if (inner[0]) out.push(inner[0]);
        out.push(...inner.slice(1).map((l) => ({...l, text: l.text})));
      }
    } else if (b.type === 'quote') out.push(...collectLines(b.children));
  }
  return out.filter((l) => l.text.trim() !== '');
}

function itemText(item: ListItem): string {
  const first = item.children[0];
  return first?.type === 'paragraph' ? first.lines.map((l) => l.text).join(' ') : '';
}

function splitList(raw: string): string[] {
  return raw
    .split('\n')
    .map((l) => plain(repairMojibake(l.replace(/^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, ''))))
    .filter((l) => l !== '');
}

/** Splits an instruction block into the instructions proper, SUCCESS CRITERIA, RETURN and DELIVERABLES sections. */
export function splitInstructionSections(text: string): {instructions: string; criteria: string[]; returns?: string; deliverables: string[]} {
  const lines = text.split('\n');
  const keep: string[] = [];
  const criteria: string[] = [];
  const deliverables: string[] = [];
  const returns: string[] = [];
  let mode: 'keep' | 'criteria' | 'returns' | 'deliverables' = 'keep';
  for (const line of lines) {
    const head = /^\s*(?:#+\s*)?(?:\*\*)?([A-Za-z][A-Za-z ]{2,30}?)(?:\*\*)?\s*[:：]\s*(.*)$/.exec(line);
    const field = head && (head[1] === head[1]!.toUpperCase() || /^(success criteria|acceptance criteria|return|returns|deliverables)$/i.test(head[1]!)) ? fieldOfLabel(head[1]!) : undefined;
    if (field === 'criteria' || field === 'returns' || field === 'deliverables') {
      mode = field;
      const rest = head![2]!.trim();
      if (rest !== '') (mode === 'criteria' ? criteria : mode === 'returns' ? returns : deliverables).push(rest);
      continue;
    }
    if (mode !== 'keep' && head && head[1] === head[1]!.toUpperCase() && head[1]!.length > 2) mode = 'keep';
    if (mode === 'keep') {
      keep.push(line);
      continue;
    }
    const item = line.replace(/^\s*(?:[-*+•]|\d+[.)])\s+(?:\[[ xX]\]\s+)?/, '').trim();
    if (item === '') continue;
    (mode === 'criteria' ? criteria : mode === 'returns' ? returns : deliverables).push(item);
  }
  const out = {instructions: keep.join('\n').trim(), criteria, deliverables};
  return returns.length > 0 ? {...out, returns: returns.join('\n')} : out;
}

/** "Task 1.2: Migrate Webhook Service", "T001 Create model", "Y1-A.4 pre-commit hook", "1.2 Title". */
function parseTaskHead(title: string): ParsedHead | undefined {
  const t = title.trim();
  const m = TASK_HEAD.exec(t);
  if (m && !/^tasks?$/i.test(t)) {
    const id = m.groups!['id']?.replace(/[.:]$/, '');
    const rest = m.groups!['title']!.trim();
    // "Task 1.2: Title" or "Task: Title"; not "Task Dependency Graph".
    if (id !== undefined && /\d/.test(id)) return {id, title: rest || t, byWord: true, numeric: /^\d/.test(id)};
    if (id === undefined && /^[:：]/.test(m.groups!['sep'] ?? '') && rest !== '') return {title: rest, byWord: true, numeric: false};
  }
  const lead = /^\[?(#?[\p{L}\p{N}][\p{L}\p{N}._/-]*?)\]?\s*(?:[:：)\]–—]|\s-\s|\s)\s*(.+)$/u.exec(t);
  if (lead) {
    const id = lead[1]!.replace(/\.$/, '');
    if (STRONG_ID.test(id) && /\d/.test(id)) return {id: id.replace(/^#/, ''), title: lead[2]!.trim(), byWord: false, numeric: /^[\d#]/.test(id)};
  }
  return undefined;
}

/** "Batch 0: Critical Path (SEQUENTIAL)", "Phase 3.2 — Tests", "Sprint 2", "阶段 1：基础", "Epic: Accounts". */
function parseGroupHead(title: string): GroupHead | undefined {
  const t = cleanTitle(title).title;
  let m = /^第\s*(\d+|[一二三四五六七八九十]+)\s*(阶段|批次|周|期)\s*[:：]?\s*(.*)$/u.exec(t);
  if (m) return groupHead('phase', cjkNumber(m[1]!), t, [m[0]]);
  // "阶段一：准备", "批次 2": a CJK group word, then a number (in any script), no space needed.
  m = /^(阶段|批次|里程碑|迭代)\s*(\d+|[一二三四五六七八九十]+)(?![\p{L}\p{N}])\s*[:：.、]?\s*(.*)$/u.exec(t);
  if (m) return groupHead(groupWord(m[1]!)!, cjkNumber(m[2]!), t, [`${m[1]}${m[2]}`, `${m[1]} ${cjkNumber(m[2]!)}`]);
  m = /^(?<kw>\p{L}+(?:\s\p{L}+)?)\s*(?:#\s*)?(?<num>\d+(?:\.\d+)*[a-z]?|[A-Z]\d*|[IVX]+)?(?=$|[\s:：.)\-–—(])\s*[:：.)\-–—]?\s*(?<rest>.*)$/u.exec(t);
  if (!m) return undefined;
  let kw = m.groups!['kw']!;
  let kind = groupWord(kw);
  let num = m.groups!['num'];
  if (!kind && kw.includes(' ')) {
    const [first, last] = kw.split(' ') as [string, string];
    if (num !== undefined && /^[A-Z]$/.test(last) && groupWord(first)) {
      // "Milestone M1", "Phase P2": the letter belongs to the number.
      kw = first;
      kind = groupWord(first);
      num = `${last}${num}`;
    } else {
      // "Work stream 2" / "Phase Two": try the last word.
      kind = groupWord(last) ?? groupWord(kw.replace(' ', ''));
      if (kind && groupWord(last)) kw = last;
    }
  }
  if (!kind) return undefined;
  const rest = m.groups!['rest'] ?? '';
  if (num === undefined && rest === '' && !/[:：]/.test(t)) return undefined;
  if (num === undefined && !/^\s*[:：\-–—]/.test(t.slice(kw.length))) return undefined;
  // A number with a letter ("M1") names the group on its own too ("M2 starts after M1").
  const aliases = num === undefined ? [] : [`${kw} ${num}`, `${kind} ${num}`, ...(/^[A-Z]\d+$/.test(num) ? [num] : [])];
  return {...groupHead(kind, num, t, aliases), rest: cleanTitle(rest).title};
}

/** "3" → "3", "十二" → "12": the small numbers Chinese plans write in headings. */
function cjkNumber(text: string): string {
  if (/^\d+$/.test(text)) return text;
  const digit = (c: string | undefined): number => (c === undefined ? 0 : '一二三四五六七八九'.indexOf(c) + 1);
  const [a, b] = text.split('十');
  if (b === undefined) return String(digit(a));
  return String((a === '' ? 1 : digit(a)) * 10 + digit(b || undefined));
}

function groupHead(kind: string, num: string | undefined, title: string, aliases: string[]): GroupHead {
  const slug = (s: string): string =>
    fold(s)
      .replace(/\(.*?\)|（.*?）/g, '')
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40)
      .replace(/-+$/, '');
  const id = num !== undefined ? `${kind}-${num.toLowerCase()}` : `${kind}-${slug(title.replace(/^\p{L}+\s*[:：\-–—]\s*/u, '')) || 'x'}`;
  return {kind, ...(num !== undefined ? {num} : {}), id, title, aliases};
}

function modeOf(text: string): 'parallel' | 'sequential' | undefined {
  // Folded, so "séquentielle" and "en parallèle" read as their unaccented forms.
  const t = fold(repairMojibake(text));
  if (/\b(not|no|niet|nicht|non)\s+(?:in\s+)?parallel/i.test(t)) return 'sequential';
  if (MODE_SEQUENTIAL.test(t)) return 'sequential';
  if (MODE_PARALLEL.test(t)) return 'parallel';
  return undefined;
}

/** "(PARALLEL - 4 Agents)", "(PARALLEL x4)", "(3 tasks)": how many tasks a group is said to have. */
function declaredCount(text: string): number | undefined {
  const m = /\b(\d{1,4})\s*(?:agents?|tasks?|workers?|parallel tasks|taken|aufgaben)\b/i.exec(text) ?? /\b(?:parallel|agents?)\s*[x×]\s*(\d{1,4})\b/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** True when every body cell of a table column is one id ("PAY-01", "AUTH-1") and nothing else. */
function idsOnly(table: Extract<Block, {type: 'table'}>, col: number): boolean {
  const body = table.rows.slice(1);
  return (
    body.length > 0 &&
    body.every((r) => {
      const t = plain(r[col]?.text ?? '');
      return t === firstToken(t) && STRONG_ID.test(t) && /\d/.test(t);
    })
  );
}

function containsTaskHeadings(section: Section): boolean {
  const h = section.heading;
  if (h) {
    const head = parseTaskHead(h.title);
    if (head && (head.byWord || !head.numeric)) return true;
    if (isTaskListTitle(h.title) && hasTaskLists(section)) return true;
    if (!parseGroupHead(h.title) && fieldScore(section.body) > 0 && sectionField(h.title) === undefined) return true;
  }
  return section.children.some(containsTaskHeadings);
}

/** True when a section's lists have items that start with an id ("- [ ] T001 ..."). */
function hasIdItems(section: Section): boolean {
  const visit = (blocks: readonly Block[]): boolean =>
    blocks.some((b) => b.type === 'list' && b.items.some((i) => parseItemHead(i).id !== undefined || visit(i.children)));
  return visit(section.body);
}

function hasTaskLists(section: Section): boolean {
  return section.body.some((b) => b.type === 'list' && b.items.some((i) => looksLikeTaskItem(parseItemHead(i), i))) || section.children.some((c) => c.heading && isTaskListTitle(c.heading.title) && c.body.some((b) => b.type === 'list'));
}

const TASK_FIELDS: ReadonlySet<FieldName> = new Set(['needs', 'blocks', 'priority', 'estimate', 'owner', 'agent', 'status', 'storyPoints']);

/** How many distinct task fields (priority, estimate, dependencies...) a body's labels set. */
function fieldScore(blocks: readonly Block[]): number {
  const found = new Set<FieldName>();
  for (const b of blocks) {
    const lines = b.type === 'paragraph' ? b.lines : b.type === 'list' ? b.items.flatMap((i) => (i.children[0]?.type === 'paragraph' ? i.children[0].lines.slice(0, 1) : [])) : [];
    for (const l of lines) {
      const lab = labelOf(l.text);
      const f = lab ? fieldOfLabel(lab.label) : undefined;
      if (f && TASK_FIELDS.has(f)) found.add(f);
    }
  }
  return found.size;
}

interface ItemHead {
  readonly raw: string;
  readonly id?: string;
  readonly title: string;
  readonly byBold: boolean;
  readonly byWord: boolean;
  readonly parallel: boolean;
  readonly done?: boolean;
  readonly doneText?: string;
  readonly tags: string[];
  readonly files: string[];
  readonly rest: string;
  readonly inline: [FieldName, string][];
}

/** Reads the first line of a list item: "T001 [P] [US1] Create model in src/models/user.py", "**Fix errors** (Day 1-2)". */
function parseItemHead(item: ListItem): ItemHead {
  const first = item.children[0];
  const raw = first?.type === 'paragraph' ? (first.lines[0]?.text ?? '') : '';
  let text = repairMojibake(raw).trim();
  let done: boolean | undefined;
  let doneText: string | undefined;
  const box = /^\[([ xX])\]\s+/.exec(text);
  if (box) {
    done = box[1] !== ' ';
    doneText = box[0].trim();
    text = text.slice(box[0].length);
  }
  const {title: cleaned, doneMark} = cleanTitle(text);
  if (doneMark) {
    done = true;
    doneText = '✅';
  }
  text = cleaned;
  let id: string | undefined;
  let byBold = false;
  let byWord = false;
  let title = text;
  let rest = '';
  const bold = /^(?:\*\*|__)(.+?)(?:\*\*|__)\s*(.*)$/.exec(repairMojibake(raw).trim().replace(/^\[[ xX]\]\s+/, '').replace(/^[^\p{L}\p{N}*_[]+/u, ''));
  const word = TASK_HEAD.exec(text);
  if (word && !/^tasks?$/i.test(text) && word.groups!['id'] !== undefined && /\d/.test(word.groups!['id']!)) {
    id = word.groups!['id']!.replace(/[.:]$/, '');
    title = word.groups!['title']!.trim();
    byWord = true;
  } else {
    const tok = /^\[?(#?[A-Za-z0-9][A-Za-z0-9._/-]*?)\]?(?=[\s:：]|$)[:：]?\s*(.*)$/.exec(text);
    if (tok && STRONG_ID.test(tok[1]!) && /\d/.test(tok[1]!)) {
      id = tok[1]!.replace(/^#/, '');
      title = tok[2]!;
    } else if (bold && !/[:：]\s*$/.test(bold[1]!)) {
      byBold = true;
      const b = cleanTitle(bold[1]!).title;
      const boldId = /^(#?[A-Za-z0-9][A-Za-z0-9._/-]*?)[:：]?\s+(.+)$/.exec(b);
      if (boldId && STRONG_ID.test(boldId[1]!) && /\d/.test(boldId[1]!)) {
        id = boldId[1]!.replace(/^#/, '');
        title = boldId[2]!;
        byBold = false;
      } else title = b;
      rest = plain(bold[2]!).replace(/^[\s:：\-–—]+/, '');
    }
  }
  let parallel = false;
  const tags: string[] = [];
  title = title.replace(/\[(P|US\d+|Story\s*\d+|[A-Z][A-Za-z]*\d*)\]\s*/g, (_, tag: string) => {
    if (tag === 'P') parallel = true;
    else tags.push(tag);
    return '';
  });
  const hints = splitTitleHints(byBold ? rest : title, byBold);
  if (byBold) rest = hints.title;
  else title = hints.title;
  const files = [...title.matchAll(/(?:^|\s)((?:[\w.-]+\/)+[\w.-]+\.[A-Za-z0-9]+|[\w-]+\.(?:py|ts|tsx|js|jsx|go|rs|java|kt|rb|md|yml|yaml|json|sql|sh|css|html))\b/g)].map((m) => m[1]!);
  return {
    raw: plain(raw),
    ...(id !== undefined ? {id} : {}),
    title: plain(title).trim(),
    byBold,
    byWord,
    parallel,
    ...(done !== undefined ? {done, doneText: doneText ?? ''} : {}),
    tags,
    files: [...new Set(files)],
    rest,
    inline: hints.inline,
  };
}

/** Hints written after a title: "(Day 1-2)", "(2h)", "(P1)", "(depends on T1, T2)", "— after T3", "@alice". */
function splitTitleHints(text: string, restOnly = false): {title: string; inline: [FieldName, string][]} {
  const inline: [FieldName, string][] = [];
  // "W1-1 · Agent A — Extract tokenizer": separators after the id, then who does it.
  let start = text.replace(/^[\s·•|:：\-–—]+/u, '');
  const agent = /^(?:\[|\()?((?:agent|worker|subagent)\s+[\p{L}\p{N}_-]{1,20})(?:\]|\))?\s*(?:[—–:|·]|\s-)\s+(?=\S)/iu.exec(start);
  if (agent) {
    inline.push(['agent', agent[1]!]);
    start = start.slice(agent[0].length);
  }
  let title = start.replace(/[([](?<inner>[^()[\]]{1,80})[)\]]/g, (whole, inner: string) => {
    const lab = /^\s*([\p{L} ]{2,30}?)\s*[:：]\s*(.+)$/u.exec(inner);
    const f = lab ? fieldOfLabel(lab[1]!) : undefined;
    if (lab && f) {
      inline.push([f, lab[2]!]);
      return '';
    }
    const dep = /^\s*(depends on|after|needs|requires|blocked by|blocks)\s+(.+)$/i.exec(inner);
    if (dep) {
      inline.push([/^blocks$/i.test(dep[1]!) ? 'blocks' : 'needs', dep[2]!]);
      return '';
    }
    if (dayRange(inner)) {
      inline.push(['estimate', inner]);
      return '';
    }
    const est = parseEstimateText(inner);
    if (est && /^\s*[~≈]?\s*\d/.test(inner)) {
      inline.push([est.kind === 'story-points' ? 'storyPoints' : 'estimate', inner]);
      return '';
    }
    if (/^\s*P[0-3]\s*$/i.test(inner)) {
      inline.push(['priority', inner]);
      return '';
    }
    return whole;
  });
  const tail = /\s+[—–-]\s+(depends on|after|needs|requires|blocked by|blocks)[:\s]\s*(.+)$/i.exec(title);
  if (tail) {
    inline.push([/^blocks$/i.test(tail[1]!) ? 'blocks' : 'needs', tail[2]!]);
    title = title.slice(0, tail.index);
  }
  const owner = /\s+@([\w.-]+)\s*$/.exec(title);
  if (owner) {
    inline.push(['owner', owner[1]!]);
    title = title.slice(0, owner.index);
  }
  // Trailing segments that are fields: "— 5 pts", "— Estimate: 2d", ". Estimate: 4d", "; depends on 1".
  for (;;) {
    const seg = /(?:\s+[—–|]\s+|\s+-\s+|[.;]\s+)([^—–|;]+?)\s*[.;]?\s*$/u.exec(title);
    const hint = seg ? segmentHint(seg[1]!) : undefined;
    if (!seg || !hint) break;
    inline.push(hint);
    title = title.slice(0, seg.index);
  }
  if (restOnly) {
    // The text after a bold title may be nothing but fields: "depends on 2. Estimate: 4d".
    const whole = segmentHint(title.replace(/[.;]\s*$/, ''));
    if (whole) {
      inline.push(whole);
      title = '';
    }
  }
  return {title: title.replace(/\s+/g, ' ').replace(/[\s:：\-–—]+$/, '').trim(), inline};
}

/** One segment of text that is a field: "Estimate: 2d", "depends on T1", "5 pts", "3h", "P1". */
function segmentHint(segment: string): [FieldName, string] | undefined {
  const s = segment.trim();
  const lab = /^([\p{L}][\p{L} ]{1,30}?)\s*[:：]\s*(.+)$/u.exec(s);
  const f = lab ? fieldOfLabel(lab[1]!) : undefined;
  if (lab && f && f !== 'title' && f !== 'description') return [f, lab[2]!];
  const dep = /^(depends on|after|needs|requires|blocked by|blocks)\s+(.+)$/i.exec(s);
  if (dep) return [/^blocks$/i.test(dep[1]!) ? 'blocks' : 'needs', dep[2]!];
  if (/^[~≈]?\s*\d/.test(s) && s.length <= 20) {
    const est = parseEstimateText(s);
    if (est?.kind === 'story-points') return ['storyPoints', s];
    if (est?.kind === 'estimate') return ['estimate', s];
  }
  if (/^P[0-3]$/i.test(s)) return ['priority', s];
  return undefined;
}

function looksLikeTaskItem(head: ItemHead, item: ListItem): boolean {
  if (head.title === '' && head.id === undefined) return false;
  if (head.id !== undefined) return true;
  if (item.checked !== null) return true;
  return head.byBold;
}

/** Every known id a text names, including ranges ("Y1-A.1 t/m Y1-A.5", "T3..T7"). */
function idsInText(text: string, known: ReadonlySet<string>): string[] {
  const tokens = [...plain(text).matchAll(/[\p{L}\p{N}][\p{L}\p{N}._/-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu)].map((m) => m[0]);
  const out: string[] = [];
  const order = [...known];
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (!known.has(tok)) {
      // "T004-T006", "API-2-API-4": a dash between two known ids is a range.
      for (let cut = tok.indexOf('-'); cut !== -1; cut = tok.indexOf('-', cut + 1)) {
        const a = tok.slice(0, cut);
        const b = tok.slice(cut + 1);
        if (known.has(a) && known.has(b)) {
          const prefix = /^(.*?)\d+$/.exec(a)?.[1] ?? '';
          for (let i = order.indexOf(a); i <= order.indexOf(b) && i !== -1; i++) if (order[i]!.startsWith(prefix)) out.push(order[i]!);
          break;
        }
      }
      continue;
    }
    const next = tokens[k + 1];
    const after = tokens[k + 2];
    if (next !== undefined && /^(t\/m|to|through|thru|bis|tot|until|hasta|till)$/i.test(next) && after !== undefined && known.has(after)) {
      const a = order.indexOf(tok);
      const b = order.indexOf(after);
      const prefix = /^(.*?)\d+$/.exec(tok)?.[1] ?? '';
      for (let i = a; i <= b && i !== -1; i++) if (order[i]!.startsWith(prefix)) out.push(order[i]!);
      k += 2;
      continue;
    }
    out.push(tok);
  }
  const t = plain(text);
  const slash = /([A-Za-z0-9][\w.-]*?)\s*(?:t\/m)\s*([A-Za-z0-9][\w.-]*)/.exec(t);
  if (slash && out.length === 0) return idsInText(`${slash[1]} to ${slash[2]}`, known);
  return [...new Set(out)];
}

/** True when a task id looks written by hand rather than made up. Exported for tests. */
export function isWrittenId(id: string): boolean {
  return STRONG_ID.test(id);
}
