import type {DependencyKind, Diagnostic, GroupMode, Location, Priority, Level} from '../../model/index.js';
import {AGENT_PRESETS, isTaskId, slugTaskId} from '../../model/index.js';
import type {DataPath, Inference, PlanSource, SourceFormat} from '../source.js';
import {TASK_WORDS, fold, groupWord, isNoneWord, plain} from './vocabulary.js';

/** A dependency as read, before it is resolved against the tasks and groups of the whole document. */
export interface DraftDep {
  /** One reference as written: a task id, a group name ("Batch 1 complete"), a title, a range ("T3..T7"). */
  readonly text: string;
  readonly kind: DependencyKind;
  readonly location: Location;
  /** The text that said it, quoted in `--explain` ("Dependencies: Batch 0 complete"). */
  readonly quote: string;
  /** True when `text` is one id as written (structured formats): it is not split or interpreted. */
  readonly exact?: boolean;
}

/** A task being read. Importers fill it in; `PlanDraft.finish` turns it into a written task. */
export interface DraftTask {
  id: string;
  /** True when the id was made up from the title (it may be renamed to stay unique). */
  generatedId: boolean;
  title: string;
  location: Location;
  group?: string;
  priority?: Priority;
  impact?: Level;
  risk?: Level;
  estimate?: string | number;
  owner?: string;
  agent?: string;
  description?: string;
  instructions?: string;
  returns?: string;
  testStrategy?: string;
  size?: number;
  criteria: string[];
  deliverables: string[];
  files: string[];
  tags: string[];
  done?: boolean;
  gate?: boolean;
  deps: DraftDep[];
  /** "Blocks: X": X needs this task. */
  blocks: DraftDep[];
  extra: Record<string, unknown>;
  /** Where each field was written, by field name. */
  fieldLocations: Map<string, Location>;
  /** Other names the document may use for the task (its title, "Task 1.2"). */
  aliases: string[];
}

/** A group being read. */
export interface DraftGroup {
  id: string;
  title: string;
  mode: GroupMode;
  /** The words that set the mode, for `--explain`. */
  modeWhy?: {readonly quote: string; readonly location: Location};
  declaredCount?: number;
  deps: DraftDep[];
  location: Location;
  aliases: string[];
  /** Tasks in document order. */
  tasks: DraftTask[];
}

/**
 * "Task 1.2", "Tarefas 2.1 a 2.3", "Story #12": a task word (singular or plural, the words of task headings) before
 * an id; only before something with a digit, so "Feature flag" keeps its first word.
 */
const TASK_WORD_BEFORE_ID = new RegExp(`^(?:${TASK_WORDS.source.slice(2, -2)}|aufgaben|tareas|tarefas|t[aâ]ches|steps?|#)\\s*#?\\s*(?=[\\p{L}\\p{N}._-]*\\d)`, 'iu');

const RANGE_SEP = /^(.+?)\s*(?:\.\.\.?|…|–|—|~|～|\bto\b|\buntil\b|\bt\/m\b|\bthrough\b|\bthru\b|\bbis\b|\btot en met\b|\bhasta\b|\bjusqu'?à\b|\s(?:a|à|até)\s|至|到|から)\s*(.+)$/iu;
const DONE_SUFFIX =
  /\s*(?:(?:is|are|must be|to be|has been|have been|moet|muss|doit)\s+)?(?:fully\s+)?(?:complete|completed|done|finished|merged|ready|afgerond|klaar|voltooid|abgeschlossen|fertig|erledigt|termine|terminee|terminado|terminada|completado|completada|completa|completo|conclu[íi]d[ao]s?|完成|已完成|完了)(?![\p{L}\p{N}]).*$/iu;

/** Splits a dependency list ("Y1-A.2, Y1-A.3", "Task 1 and Task 2", "T1; T2") into its references. */
export function splitRefs(text: string): string[] {
  const t = plain(text)
    .replace(/\s+\((?:partial|optional|soft|[^)]*\bonly\b[^)]*)\)/gi, '')
    .trim();
  if (isNoneWord(t)) return [];
  // A note in parentheses is part of its reference, separators included ("Design sign-off (external, not tracked here)").
  const notes: string[] = [];
  const hidden = t.replace(/\([^()]*\)/g, (note) => `\u0000${notes.push(note) - 1}\u0000`);
  return hidden
    // "or", "/" and "plus" too: a list the author could not decide the connector of still names every task.
    .split(/\s*(?:[,;，；、]|\band\b|\bor\b|\bplus\b|\s\/\s|\ben\b|\bund\b|\boder\b|\bet\b|\bou\b|\s[ye]\s|&|\+|\s和\s|\s及\s)\s*/i)
    .map((s) => s.replace(/\u0000(\d+)\u0000/g, (_, k: string) => notes[Number(k)]!).replace(/^[\s"'“”‘’]+|[\s"'“”‘’.。]+$/g, ''))
    .filter((s) => s !== '' && !isNoneWord(s));
}

/** Records tasks, groups, diagnostics and inferences, then resolves references and writes the PlanSource. */
export class PlanDraft {
  readonly tasks: DraftTask[] = [];
  readonly groups: DraftGroup[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly inferences: Inference[] = [];
  name?: string;
  description?: string;
  /** Workers the document asks for (front matter `concurrency:`). */
  concurrency?: number;
  readonly #texts: Map<string, string>;
  readonly #file: string;
  readonly #format: SourceFormat;
  readonly #ids = new Set<string>();

  constructor(file: string, format: SourceFormat, texts: Map<string, string>) {
    this.#file = file;
    this.#format = format;
    this.#texts = texts;
  }

  /** Adds a task with empty lists; the caller fills in the rest. */
  /**
   * A task the document says will not be done ("Canceled", "Won't do"): imported as done, so that it does not run
   * and its dependants do not wait for it, and the author is told.
   */
  cancelled(task: DraftTask, status: string, location: Location): void {
    task.done = true;
    task.extra['status'] = status;
    this.warn('cancelled-task', `task ${task.id} is "${status}" in the document: imported as done (done: true), so it does not run and its dependants do not wait for it`, location);
  }

  /** Gives a task whose id was made up the id its fields state ("**Task ID:** BILL-1"); false when that id is taken. */
  renameTask(task: DraftTask, id: string): boolean {
    if (!task.generatedId || this.#ids.has(id)) return false;
    this.#ids.delete(task.id);
    this.#ids.add(id);
    task.id = id;
    task.generatedId = false;
    return true;
  }

  addTask(init: {id: string; title: string; location: Location; generatedId: boolean; group?: string}): DraftTask {
    const task: DraftTask = {
      id: init.id,
      title: init.title,
      location: init.location,
      generatedId: init.generatedId,
      criteria: [],
      deliverables: [],
      files: [],
      tags: [],
      deps: [],
      blocks: [],
      extra: {},
      fieldLocations: new Map(),
      aliases: [],
    };
    this.tasks.push(task);
    this.#ids.add(task.id);
    if (init.group !== undefined) {
      const group = this.groupById(init.group);
      if (group) {
        task.group = group.id;
        group.tasks.push(task);
      }
    }
    return task;
  }

  addGroup(init: {id: string; title: string; location: Location; aliases?: string[]}): DraftGroup {
    let id = init.id;
    for (let n = 2; this.groups.some((g) => g.id === id) || this.#ids.has(id); n++) id = `${init.id}-${n}`;
    const group: DraftGroup = {id, title: init.title, mode: 'unspecified', deps: [], location: init.location, aliases: init.aliases ?? [], tasks: []};
    this.groups.push(group);
    this.#ids.add(id);
    return group;
  }

  groupById(id: string): DraftGroup | undefined {
    return this.groups.find((g) => g.id === id);
  }

  /** Puts a task in a group (or moves it there). */
  setGroup(task: DraftTask, group: DraftGroup): void {
    if (task.group !== undefined) {
      const old = this.groupById(task.group);
      if (old) old.tasks = old.tasks.filter((t) => t !== task);
    }
    task.group = group.id;
    group.tasks.push(task);
  }

  warn(code: string, message: string, location?: Location): void {
    this.diagnostics.push({severity: 'warning', code, message, ...(location ? {location} : {})});
  }

  error(code: string, message: string, location?: Location): void {
    this.diagnostics.push({severity: 'error', code, message, ...(location ? {location} : {})});
  }

  infer(kind: Inference['kind'], message: string, location?: Location, task?: string): void {
    this.inferences.push({kind, message, ...(location ? {location} : {}), ...(task !== undefined ? {task} : {})});
  }

  /** A readable id made from a title, unique among the tasks so far. */
  slugId(title: string, fallback: string): string {
    // Accents of Latin letters are dropped (café → cafe); marks of other scripts are part of the letter (ズ stays ズ).
    const words = title
      .normalize('NFKD')
      .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
      .normalize('NFC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim()
      .split(' ')
      .filter((w) => w !== '');
    let base = '';
    for (const w of words) {
      if (base.length + w.length > 40 && base !== '') break;
      base = base === '' ? w : `${base}-${w}`;
    }
    const slug = slugTaskId(base) ?? fallback;
    let id = slug;
    for (let n = 2; this.#taken(id); n++) id = `${slug}-${n}`;
    return id;
  }

  #taken(id: string): boolean {
    return this.#ids.has(id);
  }

  /** Resolves references, checks what can be checked here, and writes the PlanSource. */
  finish(): PlanSource {
    const resolver = new Resolver(this);
    const locations = new Map<string, Location>();
    const at = (path: DataPath, location: Location | undefined): void => {
      if (location) locations.set(pathKey(path), location);
    };

    // Groups nobody fills or names are dropped: an empty group only adds noise.
    const referenced = new Set<string>();
    for (const t of this.tasks) for (const d of t.deps) for (const r of refsOf(d)) referenced.add(resolver.groupOf(r)?.id ?? '');
    for (const g of this.groups) for (const d of g.deps) for (const r of splitRefs(d.text)) referenced.add(resolver.groupOf(r)?.id ?? '');
    const groups = this.groups.filter((g) => g.tasks.length > 0 || referenced.has(g.id));
    // A group id equal to a task id would make a "needs" entry ambiguous.
    for (const g of groups) {
      if (this.tasks.some((t) => t.id === g.id)) {
        const old = g.id;
        g.id = `group-${g.id}`;
        for (const t of g.tasks) t.group = g.id;
        this.infer('group', `group "${old}" renamed "${g.id}": a task has the same id`, g.location);
      }
    }

    const needs = new Map<DraftTask, {id: string; kind: DependencyKind; location: Location; quote: string}[]>();
    const addNeed = (task: DraftTask, id: string, kind: DependencyKind, location: Location, quote: string): void => {
      const list = needs.get(task) ?? [];
      if (list.some((n) => n.id === id)) return;
      list.push({id, kind, location, quote});
      needs.set(task, list);
      this.infer('dependency', `task ${task.id} needs ${id} (${kind}: "${quote}")`, location, task.id);
    };

    // Group needs.
    const groupNeeds = new Map<DraftGroup, {id: string; location: Location; quote: string}[]>();
    for (const g of groups) {
      const list: {id: string; location: Location; quote: string}[] = [];
      for (const d of g.deps) {
        for (const ref of splitRefs(d.text)) {
          const r = resolver.resolve(ref);
          if (r.kind === 'group') {
            if (r.group === g) this.warn('self-group-dependency', `group "${g.id}" is said to depend on itself ("${d.quote}"); ignored`, d.location);
            else if (!list.some((n) => n.id === r.group.id)) list.push({id: r.group.id, location: d.location, quote: d.quote});
          } else if (r.kind === 'tasks') {
            for (const t of g.tasks) for (const id of r.ids) addNeed(t, id, d.kind, d.location, d.quote);
          } else this.#unresolved(`group ${g.id}`, ref, d);
        }
      }
      groupNeeds.set(g, list);
    }

    // Task needs.
    for (const t of this.tasks) {
      for (const d of t.deps) {
        for (const ref of refsOf(d)) {
          const r = resolver.resolve(ref);
          if (r.kind === 'tasks') for (const id of r.ids) addNeed(t, id, d.kind, d.location, d.quote);
          else if (r.kind === 'group') {
            if (r.group.id === t.group) this.warn('own-group-dependency', `task ${t.id} depends on its own group ${r.group.id} ("${d.quote}"); ignored`, d.location);
            else addNeed(t, r.group.id, d.kind === 'explicit' ? 'group-barrier' : d.kind, d.location, d.quote);
          } else if (r.kind === 'unknown' && (r.idLike || d.exact)) addNeed(t, d.exact ? ref : r.text, d.kind, d.location, d.quote);
          else this.#unresolved(`task ${t.id}`, ref, d, t);
        }
      }
    }

    // Reverse edges ("Blocks: X").
    const groupReach = reachability(groups, groupNeeds);
    for (const t of this.tasks) {
      for (const d of t.blocks) {
        const everything = /^(all|everything|all other tasks|all others|all remaining tasks|alles|tout|todo|todas|全部|所有)\b/i.test(fold(plain(d.text)));
        if (everything) {
          let added = 0;
          for (const other of this.tasks) {
            if (other === t) continue;
            // Already waits through group barriers: an edge would only repeat it.
            if (other.group !== undefined && t.group !== undefined && groupReach.get(other.group)?.has(t.group)) continue;
            addNeed(other, t.id, 'blocks', d.location, d.quote);
            added++;
          }
          this.infer('dependency', `task ${t.id} blocks all other tasks ("${d.quote}"): ${added === 0 ? 'already implied by the group order' : `${added} edges added`}`, d.location, t.id);
          continue;
        }
        for (const ref of splitRefs(d.text)) {
          const r = resolver.resolve(ref);
          const targets = r.kind === 'tasks' ? r.ids.flatMap((id) => resolver.tasksWithId(id)) : r.kind === 'group' ? r.group.tasks : [];
          if (targets.length === 0) this.#unresolved(`task ${t.id}`, ref, d, t);
          for (const target of targets) if (target !== t) addNeed(target, t.id, 'blocks', d.location, d.quote);
        }
      }
    }

    // Explain what groups imply; the normalizer makes the edges.
    const byId = new Map(groups.map((g) => [g.id, g]));
    for (const g of groups) {
      if (g.modeWhy) this.infer('group', `group ${g.id} is ${g.mode} ("${g.modeWhy.quote}")`, g.modeWhy.location);
      for (const n of groupNeeds.get(g) ?? []) {
        const upstream = byId.get(n.id);
        this.infer('group', `group ${g.id} needs group ${n.id} (group-barrier: "${n.quote}")`, n.location);
        if (!upstream) continue;
        if (g.tasks.length * upstream.tasks.length > 400) continue;
        for (const t of g.tasks) for (const u of upstream.tasks) this.infer('dependency', `task ${t.id} needs ${u.id} (group-barrier: "${n.quote}")`, n.location, t.id);
      }
      if (g.mode === 'sequential' && g.tasks.length <= 2000) {
        for (let k = 1; k < g.tasks.length; k++) {
          const t = g.tasks[k]!;
          this.infer('dependency', `task ${t.id} needs ${g.tasks[k - 1]!.id} (sequential-order: group ${g.id} is sequential)`, t.location, t.id);
        }
      }
    }

    // Contradictions between grouping and explicit edges.
    const taskGroup = new Map(this.tasks.map((t) => [t.id, t.group]));
    for (const t of this.tasks) {
      const g = t.group === undefined ? undefined : byId.get(t.group);
      for (const n of needs.get(t) ?? []) {
        const other = taskGroup.get(n.id);
        if (g && other === g.id && g.mode === 'parallel') {
          this.warn('group-contradiction', `task ${t.id} needs ${n.id}, yet both are in group ${g.id}, which is said to be parallel ("${g.modeWhy?.quote ?? g.mode}"); both are kept`, n.location);
        } else if (g && other !== undefined && other !== g.id && groupReach.get(other)?.has(g.id)) {
          this.warn('group-contradiction', `task ${t.id} (group ${g.id}) needs ${n.id}, yet group ${other} comes after group ${g.id}; both are kept, which makes a cycle`, n.location);
        }
      }
    }

    // Write the plan.
    const data: Record<string, unknown> = {};
    if (this.name !== undefined) data['name'] = this.name;
    if (this.description !== undefined) data['description'] = this.description;
    if (this.concurrency !== undefined) data['concurrency'] = this.concurrency;
    if (groups.length > 0) {
      data['groups'] = groups.map((g, i) => {
        at(['groups', i], g.location);
        at(['groups', i, 'id'], g.location);
        if (g.modeWhy) at(['groups', i, 'mode'], g.modeWhy.location);
        const gn = groupNeeds.get(g) ?? [];
        gn.forEach((n, j) => at(['groups', i, 'needs', j], n.location));
        return {
          id: g.id,
          title: g.title,
          mode: g.mode,
          needs: gn.map((n) => n.id),
          ...(g.declaredCount !== undefined ? {tasks: g.declaredCount} : {}),
        };
      });
    }
    data['tasks'] = this.tasks.map((t, i) => {
      const base = ['tasks', i];
      at(base, t.location);
      at([...base, 'id'], t.location);
      for (const [field, loc] of t.fieldLocations) at([...base, field], loc);
      const list = needs.get(t) ?? [];
      list.forEach((n, j) => at([...base, 'needs', j], n.location));
      return writtenTask(t, list.map((n) => ({id: n.id, kind: n.kind, source: `${n.location.file}:${n.location.line}`})));
    });

    const texts = this.#texts;
    return {
      file: this.#file,
      format: this.#format,
      data,
      locate: (path) => {
        for (let n = path.length; n > 0; n--) {
          const hit = locations.get(pathKey(path.slice(0, n)));
          if (hit) return hit;
        }
        return undefined;
      },
      diagnostics: this.diagnostics,
      inferences: this.inferences,
      texts,
    };
  }

  #unresolved(who: string, ref: string, d: DraftDep, task?: DraftTask): void {
    this.warn('unresolved-dependency', `${who}: could not tell which task or group "${ref}" is (in "${d.quote}"); it is kept in extra.unresolvedNeeds, not as a dependency`, d.location);
    if (task) {
      const list = (task.extra['unresolvedNeeds'] as string[] | undefined) ?? [];
      list.push(ref);
      task.extra['unresolvedNeeds'] = list;
    }
  }
}

function refsOf(d: DraftDep): string[] {
  return d.exact ? [d.text] : splitRefs(d.text);
}

function pathKey(path: DataPath): string {
  return path.join('\u0000');
}

const AGENT_PROFILES = new Set([...AGENT_PRESETS, 'llm', 'shell']);

function writtenTask(t: DraftTask, needs: {id: string; kind: DependencyKind; source: string}[]): Record<string, unknown> {
  const extra = {...t.extra};
  let agent: string | undefined;
  if (t.agent !== undefined) {
    // Only a profile paraplan knows may go to `agent`; anything else ("general-purpose") would fail validation.
    if (AGENT_PROFILES.has(t.agent.toLowerCase())) agent = t.agent.toLowerCase();
    else extra['agent'] = t.agent;
  }
  const out: Record<string, unknown> = {id: t.id, title: t.title};
  if (t.group !== undefined) out['group'] = t.group;
  if (t.priority !== undefined) out['priority'] = t.priority;
  if (t.impact !== undefined) out['impact'] = t.impact;
  if (t.risk !== undefined) out['risk'] = t.risk;
  if (t.estimate !== undefined) out['estimate'] = t.estimate;
  if (needs.length > 0) out['needs'] = needs;
  if (t.owner !== undefined) out['owner'] = t.owner;
  if (agent !== undefined) out['agent'] = agent;
  if (t.description !== undefined) out['description'] = t.description;
  if (t.instructions !== undefined) out['instructions'] = t.instructions;
  if (t.criteria.length > 0) out['criteria'] = t.criteria;
  if (t.returns !== undefined) out['returns'] = t.returns;
  if (t.deliverables.length > 0) out['deliverables'] = t.deliverables;
  if (t.testStrategy !== undefined) out['testStrategy'] = t.testStrategy;
  if (t.size !== undefined) out['size'] = t.size;
  if (t.files.length > 0) out['files'] = t.files;
  if (t.tags.length > 0) out['tags'] = t.tags;
  if (t.gate) out['gate'] = true;
  if (t.done !== undefined) out['done'] = t.done;
  if (Object.keys(extra).length > 0) out['extra'] = extra;
  return out;
}

/** For each group, every group it waits for, directly or not. */
function reachability(groups: readonly DraftGroup[], needs: Map<DraftGroup, {id: string}[]>): Map<string, Set<string>> {
  const direct = new Map(groups.map((g) => [g.id, (needs.get(g) ?? []).map((n) => n.id)]));
  const out = new Map<string, Set<string>>();
  for (const g of groups) {
    const seen = new Set<string>();
    const stack = [...(direct.get(g.id) ?? [])];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(direct.get(id) ?? []));
    }
    out.set(g.id, seen);
  }
  return out;
}

type Resolution =
  | {readonly kind: 'tasks'; readonly ids: readonly string[]}
  | {readonly kind: 'group'; readonly group: DraftGroup}
  | {readonly kind: 'unknown'; readonly text: string; readonly idLike: boolean};

/** Finds what a reference names: task ids (exactly, then ignoring case), group names, titles, ranges. */
class Resolver {
  readonly #ids = new Map<string, DraftTask[]>();
  readonly #folded = new Map<string, string>();
  readonly #titles = new Map<string, string>();
  readonly #groups = new Map<string, DraftGroup>();
  readonly #order = new Map<string, number>();

  constructor(draft: PlanDraft) {
    draft.tasks.forEach((t, i) => {
      const list = this.#ids.get(t.id) ?? [];
      list.push(t);
      this.#ids.set(t.id, list);
      if (!this.#order.has(t.id)) this.#order.set(t.id, i);
      if (!this.#folded.has(fold(t.id))) this.#folded.set(fold(t.id), t.id);
      for (const name of [t.title, ...t.aliases]) {
        const key = nameKey(name);
        if (key !== '' && !this.#titles.has(key)) this.#titles.set(key, t.id);
      }
    });
    for (const g of draft.groups) {
      for (const name of [g.id, g.title, ...g.aliases]) {
        const key = nameKey(name);
        if (key !== '' && !this.#groups.has(key)) this.#groups.set(key, g);
      }
    }
  }

  tasksWithId(id: string): DraftTask[] {
    return this.#ids.get(id) ?? [];
  }

  groupOf(ref: string): DraftGroup | undefined {
    const r = this.resolve(ref);
    return r.kind === 'group' ? r.group : undefined;
  }

  resolve(raw: string): Resolution {
    const text = raw.trim();
    if (this.#ids.has(text)) return {kind: 'tasks', ids: [text]};
    const direct = this.#one(text);
    if (direct) return direct;
    const range = this.#range(text);
    if (range) return range;
    const stripped = text
      .replace(/^(?:after|na|nach|apres|después de|despues de|wait for|waits for|needs|requires|all of|all tasks (?:in|of|from)|all|the|de|die|der|le|la|el)\s+/i, '')
      .replace(DONE_SUFFIX, '')
      .replace(/\s*(?:已完成|完成|完毕|结束)$/u, '')
      .replace(/\s+(?:tasks?|taken|aufgaben)$/i, '')
      .replace(TASK_WORD_BEFORE_ID, '')
      .replace(/\s*\([^)]*\)\s*$/, '')
      .trim();
    if (stripped !== text && stripped !== '') {
      const again = this.#one(stripped) ?? this.#range(stripped);
      if (again) return again;
    }
    const first = /^(\S+)\s+\S/.exec(stripped);
    if (first && looksLikeId(first[1]!) && this.#ids.has(first[1]!)) return {kind: 'tasks', ids: [first[1]!]};
    const idLike = isTaskId(stripped) && looksLikeId(stripped);
    return {kind: 'unknown', text: idLike ? stripped : text, idLike};
  }

  #one(text: string): Resolution | undefined {
    const t = text.replace(/^#/, '');
    if (this.#ids.has(t)) return {kind: 'tasks', ids: [t]};
    const f = this.#folded.get(fold(t));
    if (f !== undefined) return {kind: 'tasks', ids: [f]};
    const key = nameKey(t);
    const g = this.#groups.get(key);
    if (g) return {kind: 'group', group: g};
    const title = this.#titles.get(key);
    if (title !== undefined) return {kind: 'tasks', ids: [title]};
    // "Fase 1" for the heading "Phase 1: ...": a group word in another language, and its number.
    const word = /^(\p{L}+)\s*(\d+(?:\.\d+)*)$/u.exec(t);
    const kind = word ? groupWord(word[1]!) : undefined;
    const same = kind ? this.#groups.get(nameKey(`${kind} ${word![2]}`)) : undefined;
    if (same) return {kind: 'group', group: same};
    return undefined;
  }

  #range(text: string): Resolution | undefined {
    let m = RANGE_SEP.exec(text);
    if (!m) {
      // "T3-T7": a dash is a range only when both ends look like ids with the same prefix.
      // "T3-T7", and "1.1-1.3" (dotted numbers that differ only in the last part).
      const dash = /^([A-Za-z][A-Za-z._-]*?|(?:\d+\.)+)(\d+)\s*-\s*([A-Za-z][A-Za-z._-]*?|(?:\d+\.)+)(\d+)$/.exec(text);
      if (dash && dash[1] === dash[3]) m = [text, `${dash[1]}${dash[2]}`, `${dash[3]}${dash[4]}`] as unknown as RegExpExecArray;
    }
    if (!m) return undefined;
    const from = m[1]!.trim();
    let to = m[2]!.trim();
    const num = /^(.*?)(\d+)$/.exec(from);
    if (!num) return undefined;
    if (/^\d+$/.test(to) && num[1] !== '') to = `${num[1]}${to.padStart(num[2]!.length, '0')}`;
    const a = this.#order.get(from) ?? this.#order.get(this.#folded.get(fold(from)) ?? '');
    const b = this.#order.get(to) ?? this.#order.get(this.#folded.get(fold(to)) ?? '');
    const prefix = num[1]!;
    if (a !== undefined && b !== undefined && a <= b) {
      const ids: string[] = [];
      for (const [id, i] of this.#order) if (i >= a && i <= b && id.startsWith(prefix) && /\d$/.test(id)) ids.push(id);
      return {kind: 'tasks', ids};
    }
    const end = /^(.*?)(\d+)$/.exec(to);
    if (!end || end[1] !== prefix) return undefined;
    const lo = Number(num[2]);
    const hi = Number(end[2]);
    if (!(hi >= lo) || hi - lo > 1000) return undefined;
    const ids: string[] = [];
    for (let n = lo; n <= hi; n++) ids.push(`${prefix}${String(n).padStart(num[2]!.length, '0')}`);
    return {kind: 'tasks', ids};
  }
}

/** How names are compared: folded, markup and punctuation dropped ("Batch 1:" = "batch-1" = "BATCH 1"). */
export function nameKey(name: string): string {
  return fold(plain(name))
    .replace(/[^\p{L}\p{N}.]+/gu, ' ')
    .replace(/\.+$/, '')
    .trim();
}

/** True for tokens that are plausibly ids rather than words: `T001`, `1.2`, `Y1-A.4`, `FND-003`, `auth-api`. */
export function looksLikeId(text: string): boolean {
  return /\d/.test(text) ? /^[\p{L}\p{N}][\p{L}\p{N}._:/@+-]*$/u.test(text) && text.length <= 40 : /^[a-z0-9]+(?:[-_][a-z0-9]+)+$/.test(text);
}
