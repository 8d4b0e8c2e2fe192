import type {Level, Priority} from '../../model/index.js';
import {parseEstimate} from '../../model/index.js';

/**
 * The words plan authors use, in several languages, and the small parsers that read them.
 * Every function here is pure and works on one short piece of text (a heading, a cell, a field value).
 */

// Mojibake: UTF-8 bytes decoded as Windows-1252 or Mac Roman ("ðŸ”´" for 🔴, "üöÄ" for 🚀).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const MAC_ROMAN_HIGH =
  'ÄÅÇÉÑÖÜáàâäãåçéèêëíìîïñóòôöõúùûü†°¢£§•¶ß®©™´¨≠ÆØ∞±≤≥¥µ∂∑∏π∫ªºΩæø¿¡¬√ƒ≈∆«»…\u00A0ÀÃÕŒœ–—“”‘’÷◊ÿŸ⁄€‹›ﬁﬂ‡·‚„‰ÂÊÁËÈÍÎÏÌÓÔ\uF8FFÒÚÛÙıˆ˜¯˘˙˚¸˝˛ˇ';

function tableOf(high: string, latin1: boolean): Map<string, number> {
  const map = new Map<string, number>();
  [...high].forEach((ch, i) => map.set(ch, 0x80 + i));
  if (latin1) for (let b = 0xa0; b <= 0xff; b++) map.set(String.fromCharCode(b), b);
  return map;
}
const ENCODINGS: readonly Map<string, number>[] = [tableOf(CP1252_HIGH, true), tableOf(MAC_ROMAN_HIGH, false)];
const SUSPECT = /[\u00C0-\u00FF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122\u221A\u2206\u2248\uF8FF]/;
const utf8 = new TextDecoder('utf-8', {fatal: true});

/** Repairs UTF-8 text that was once decoded with the wrong encoding; text without such runs comes back unchanged. */
export function repairMojibake(text: string): string {
  if (!SUSPECT.test(text)) return text;
  let best = text;
  for (const table of ENCODINGS) {
    const fixed = repairWith(text, table);
    if (fixed.length < best.length) best = fixed;
  }
  return best;
}

function repairWith(text: string, table: Map<string, number>): string {
  let out = '';
  const chars = [...text];
  let i = 0;
  while (i < chars.length) {
    const lead = table.get(chars[i]!);
    const need = lead === undefined ? 0 : lead >= 0xf0 && lead <= 0xf4 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc2 && lead <= 0xdf ? 1 : 0;
    if (need > 0 && i + need < chars.length + 0) {
      const bytes = [lead!];
      for (let k = 1; k <= need; k++) {
        const b = table.get(chars[i + k] ?? '');
        if (b === undefined || (b & 0xc0) !== 0x80) break;
        bytes.push(b);
      }
      if (bytes.length === need + 1) {
        try {
          out += utf8.decode(new Uint8Array(bytes));
          i += need + 1;
          continue;
        } catch {
          // not a valid sequence: keep the characters as they are
        }
      }
    }
    out += chars[i];
    i++;
  }
  return out;
}

const JUNK_CHAR = /[\p{Extended_Pictographic}\p{So}\p{Sk}\p{Cf}\uFE0F\u20E3\u00A0-\u00BF\u00C0-\u024F\u2000-\u2BFF\uF8FF\uFB01\uFB02]/u;
const ASCII_ALNUM = /[A-Za-z0-9]/;

/** True for a word that is only emoji, symbols or leftovers of mojibake ("🎯", "ðŸ“¦", "✅"). */
function junkWord(word: string): boolean {
  if (ASCII_ALNUM.test(word)) return false;
  for (const ch of word) if (!JUNK_CHAR.test(ch) && !/[\p{P}]/u.test(ch)) return false;
  return [...word].some((ch) => JUNK_CHAR.test(ch));
}

const DONE_MARK = /[✅✔☑✓]|\[x\]/iu;

/**
 * Cleans a heading or item title: repairs mojibake, drops emoji and markup at either end, collapses spaces.
 * Returns the clean title and whether a "done" mark (✅) was dropped.
 */
export function cleanTitle(raw: string): {title: string; doneMark: boolean} {
  const text = plain(repairMojibake(raw));
  // Plain ASCII has no emoji or mojibake to drop.
  if (/^[\x20-\x7e]*$/.test(text)) return {title: text.replace(/[:：]\s*$/, '').trim(), doneMark: false};
  const words = text.split(/\s+/).filter((w) => w !== '');
  let doneMark = false;
  while (words.length > 0 && junkWord(words[0]!)) doneMark = DONE_MARK.test(words.shift()!) || doneMark;
  while (words.length > 0 && junkWord(words[words.length - 1]!)) doneMark = DONE_MARK.test(words.pop()!) || doneMark;
  return {title: words.join(' ').replace(/[:：]\s*$/, '').trim(), doneMark};
}

/** Markdown inline markup to plain text: emphasis, code spans, links, images, HTML tags, escapes. */
export function plain(md: string): string {
  // Most lines have no markup at all: skip the replacements (large documents call this per line).
  if (!/[*_`[<\\~!]/.test(md)) return md.replace(/\s+/g, ' ').trim();
  return md
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/~~(.+?)~~/g, '$1')
    .replace(/`+([^`]*)`+/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Lower case, accents removed, spaces collapsed: the form labels and words are compared in. */
export function fold(text: string): string {
  if (/^[a-z0-9 .\-]*$/.test(text)) return text.replace(/ {2,}/g, ' ').trim();
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_]+/g, ' ')
    .trim();
}

/** The task field a label names. */
export type FieldName =
  | 'id'
  | 'title'
  | 'needs'
  | 'blocks'
  | 'priority'
  | 'impact'
  | 'risk'
  | 'estimate'
  | 'owner'
  | 'agent'
  | 'group'
  | 'status'
  | 'description'
  | 'instructions'
  | 'criteria'
  | 'returns'
  | 'deliverables'
  | 'testStrategy'
  | 'size'
  | 'files'
  | 'tags'
  | 'parallel'
  | 'order'
  | 'storyPoints';

const LABELS: readonly [FieldName, RegExp][] = [
  ['blocks', /^(blocks|blocking|blocker for|unblocks|outward issue link blocks|blokkeert|blockiert|bloque|bloquea|bloqueia|阻塞|阻塞任务)$/],
  [
    'needs',
    /^(depends|depends on|dependencies|dependency|deps|needs|requires|required|prerequisites?|pre-?reqs?|predecessors?|preds|after|blocked by|is blocked by|waits for|wait for|inward issue link blocks|afhankelijkheden|afhankelijkheid|afhankelijk van|vereist|abhangigkeiten|abhangigkeit|abhangig von|hangt ab von|benotigt|nach|voraussetzungen?|dependances?|depend de|prerequis|dependencias?|depende de|requisitos?|pre-?requisitos?|requisitos? previos?|prerrequisitos?|dependencia de|依赖|依赖项|前置|前置任务|前置条件|依存|依存関係|前提|前提条件|先行タスク)$/,
  ],
  ['id', /^(id|task id|key|issue key|issue id|task key|ticket|ticket id|node|nr|no|number|#|编号|标识)$/],
  ['title', /^(title|name|task|taak|subtaak|subtask|aufgabe|tache|tarea|tarefa|titel|titre|intitule|libelle|titulo|タスク|作業|件名|summary|story|user story|work item|item|任务|名称|标题)$/],
  ['priority', /^(priority|prio|priorite|prioriteit|prioritat|prioridad|prioridade|优先级|優先度|優先順位|urgency)$/],
  ['impact', /^(impact|impacto|auswirkung|影响)$/],
  ['risk', /^(risk|risico|risiko|risque|riesgo|风险)$/],
  [
    'estimate',
    /^(estimate|est\.?|original estimate|estimated|estimated time|estimated duration|estimated effort|time estimate|estimation|duration|effort|time|eta|schatting|geschatte tijd|duur|inspanning|aufwand|dauer|schatzung|estimation|duree|effort estime|estimacion|duracion|esfuerzo|estimativa|duracao|工期|预计|预计时间|估算|预估|耗时|工时|見積もり|見積り|見積|工数|所要時間)$/,
  ],
  ['storyPoints', /^(story points|points|sp|pts|storypoints)$/],
  ['owner', /^(owner|owners|assignee|assigned to|assigned|responsible|who|lead|dri|eigenaar|verantwoordelijke|uitvoerder|verantwortlich|zustandig|bearbeiter|responsable|asignado|responsavel|负责人|负责|执行人|担当|担当者)$/],
  ['agent', /^(agent|agent type|executor|worker|model|subagent)$/],
  ['group', /^(group|batch|phase|wave|stage|milestone|track|epic|sprint|stream|workstream|werkpakket|fase|golf|etappe|phase|etapa|分组|阶段|批次|里程碑)$/],
  ['status', /^(status|state|done|completed|% complete|percent complete|progress|staat|zustand|statut|estado|fortschritt|avancement|voortgang|状态|进度)$/],
  ['description', /^(description|desc|details|summary|goal|objective|omschrijving|beschrijving|doel|beschreibung|ziel|objectif|descripcion|objetivo|描述|说明|目标|context|background|focus area|scope)$/],
  ['instructions', /^(instructions|instruction|prompt|steps|how|approach|implementation|instructies|stappen|anweisungen|schritte|consignes|etapes|instrucciones|pasos|步骤|说明步骤|实施)$/],
  ['criteria', /^(success criteria|acceptance criteria|acceptance|criteria|done when|definition of done|dod|verification|acceptatiecriteria|succescriteria|akzeptanzkriterien|criteres d'acceptation|criterios de aceptacion|criterios de aceitacao|abnahmekriterien|erfolgskriterien|criteres de succes|验收标准|完成标准|受け入れ基準|受入基準|完了条件)$/],
  ['returns', /^(return|returns|output|report|report back|deliver back|teruggave|ruckgabe|retour|retorno|返回)$/],
  ['deliverables', /^(deliverables?|outputs?|artifacts?|artefacts?|opleveringen?|oplevering|liefergegenstande|ergebnisse|livrables?|entregables?|交付物|产出)$/],
  ['testStrategy', /^(test strategy|teststrategy|teststrategie|testing|tests|test plan|testplan|verification strategy|estrategia de pruebas|strategie de test|测试策略|测试)$/],
  ['size', /^(size|loc|lines|lines of code|omvang|grosse|taille|tamano|代码行数)$/],
  ['files', /^(files|file|paths|path|bestanden|dateien|fichiers|archivos|文件)$/],
  ['tags', /^(tags|labels|label|tag|categories|category|type|kind|soort|typ|etiquetas|标签)$/],
  ['parallel', /^(execute in parallel|parallel|in parallel|parallelizable|can run in parallel|parallelisable|parallel execution|parallel uitvoerbaar|parallelisierbar|并行)$/],
  ['order', /^(order|sequence|seq|volgorde|reihenfolge|ordre|orden|step|#|顺序|序号)$/],
];

/** The field a label names ("Depends on", "Afhankelijkheden", "依赖"), or undefined for a label paraplan does not map. */
export function fieldOfLabel(label: string): FieldName | undefined {
  // Labels repeat (every task has its "Priority:"), and matching runs some thirty expressions: remember.
  const cached = LABEL_CACHE.get(label);
  if (cached !== undefined || LABEL_CACHE.has(label)) return cached;
  const field = matchLabel(label);
  if (LABEL_CACHE.size > 5000) LABEL_CACHE.clear();
  LABEL_CACHE.set(label, field);
  return field;
}

const LABEL_CACHE = new Map<string, FieldName | undefined>();

function matchLabel(label: string): FieldName | undefined {
  // "🔗 Dependencies", "⏱️ Estimated Time": an emoji (or its mojibake) before the label is decoration.
  const l = fold(cleanTitle(label).title)
    .replace(/[:：*]+$/g, '')
    // Jira's link columns name the link type in parentheses: "Inward issue link (Blocks)" is "blocked by".
    .replace(/^((?:in|out)ward issue link) \(blocks\)$/, '$1 blocks')
    .replace(/\s*\(.*\)$/, '')
    .trim();
  for (const [field, re] of LABELS) if (re.test(l)) return field;
  return undefined;
}

const NONE = /^(none|no|n\/a|na|nil|null|nothing|-+|—|–|\/|geen|keine|kein|aucune?|rien|ninguna?|nenhuma?|nenhum|nada|无|没有|暂无|なし|independent|standalone|zero|0)$/;

/** True for the words that mean "no dependencies" ("None", "N/A", "-", "geen", "无"). */
export function isNoneWord(text: string): boolean {
  const t = fold(plain(text)).replace(/[.。!]+$/, '').trim();
  return t === '' || NONE.test(t) || /^none\b/.test(t) || /^(n\/a|none)\s*\(/.test(t);
}

/** Reads a priority from a word, a P0–P3 code or a colored-circle emoji, in any case or language. */
export function parsePriority(raw: string): Priority | undefined {
  const text = repairMojibake(raw);
  if (/🔴|‼️|🚨|🔥/u.test(text)) return 'critical';
  if (/🟠/u.test(text)) return 'high';
  if (/🟡/u.test(text)) return 'medium';
  if (/🟢|🔵|⚪/u.test(text)) return 'low';
  const t = fold(plain(text));
  const p = /\bp([0-4])\b/.exec(t);
  if (p) return (['critical', 'high', 'medium', 'low', 'low'] as const)[Number(p[1])];
  if (/\b(critical|crit|blocker|urgent|highest|must|kritisch|kritiek|critique|critica|critico|dringend)\b|紧急|关键|最高/.test(t)) return 'critical';
  if (/\b(high|hoog|hoch|haute?|alta|alto|major|important|should)\b|^h$|高/.test(t)) return 'high';
  if (/\b(medium|med|mid|normal|moderate|middel|gemiddeld|mittel|moyenne?|media|medio|could)\b|^m$|中/.test(t)) return 'medium';
  if (/\b(low|lowest|laag|niedrig|basse?|baja|bajo|minor|trivial|nice to have|wont)\b|^l$|低/.test(t)) return 'low';
  return undefined;
}

/** Reads an impact or risk level: H/M/L, words in several languages, or a priority word. */
export function parseLevel(raw: string): Level | undefined {
  const t = fold(plain(repairMojibake(raw)));
  if (/^(h|hi|high|hoog|hoch|haut|haute|eleve|elevee|alto|alta|critical|kritiek|kritisch|高)\b/.test(t) || t === '高') return 'high';
  if (/^(m|med|medium|mid|middel|gemiddeld|mittel|moyen|moyenne|medio|media|moderate|中)\b/.test(t) || t === '中') return 'medium';
  if (/^(l|lo|low|laag|niedrig|gering|bas|basse|faible|bajo|baja|minor|低)\b/.test(t) || t === '低') return 'low';
  return parsePriority(raw) === undefined ? undefined : (({critical: 'high', high: 'high', medium: 'medium', low: 'low'}) as const)[parsePriority(raw)!];
}

// The end is "not a letter or digit" rather than \b: \b never matches after 完成 (CJK is no \w).
const DONE_WORDS =
  /^(done|completed?|finished|closed|resolved|merged|shipped|delivered|accepted|afgerond|klaar|gereed|voltooid|opgeleverd|erledigt|fertig|abgeschlossen|termine|terminee|fait|hecho|completado|completada|terminado|terminada|finalizado|完成|已完成|已关闭|済み|完了)(?![\p{L}\p{N}])/u;
const NOT_DONE = /\b(not|niet|nicht|pas|no|un|in progress|todo|to do|pending|open|wip|planned|blocked|gepland|offen|en cours|pendiente)\b|未完成|进行中|待办/;

/**
 * Reads a status: true when it says done (✅, [x], Done, afgerond, completed...), false when it names another
 * state, undefined when it is not a status at all.
 */
export function parseDone(raw: string): boolean | undefined {
  const text = repairMojibake(raw);
  if (DONE_MARK.test(text)) return true;
  // "% Complete: 100%".
  const percent = /^\s*(\d{1,3})\s*%\s*$/.exec(text);
  if (percent) return Number(percent[1]) >= 100;
  if (/[❌⏳🚧⬜☐]|\[ \]/u.test(text)) return false;
  const t = fold(plain(text));
  if (t === '') return undefined;
  if (DONE_WORDS.test(t) && !NOT_DONE.test(t)) return true;
  if (/\b(not|niet|nicht|pas|no)\s+(yet\s+)?(done|complete|completed|finished|afgerond|klaar|erledigt|fertig|termine|terminado)\b/.test(t)) return false;
  if (/^(todo|to do|pending|open|in progress|in-progress|wip|planned|blocked|review|in review|backlog|new|ready|deferred|cancell?ed|gepland|bezig|offen|en cours|pendiente|未开始|进行中|待办)(?![\p{L}\p{N}])/u.test(t)) return false;
  return undefined;
}

/** True for a status that says the task will not be done: "Canceled", "Won't do", "Duplicate", "Obsolete". */
export function isCancelledStatus(raw: string): boolean {
  return /^(cancell?ed|won'?t do|wont fix|won'?t fix|will not do|duplicate|obsolete|dropped|abandoned|rejected|descoped|geannuleerd|vervallen|abgebrochen|verworfen|storniert|annulee?|abandonnee?|cancelad[ao]|descartad[ao]|已取消|取消|中止)(?![\p{L}\p{N}])/u.test(fold(plain(repairMojibake(raw))).replace(/’/g, "'"));
}

/** True when a value says yes (for "Execute in parallel: YES"). Undefined when it is neither yes nor no. */
export function parseYesNo(raw: string): boolean | undefined {
  const t = fold(plain(repairMojibake(raw)));
  if (/^(yes|y|true|ja|oui|si|sí|是|✅|✔)\b/u.test(t)) return true;
  if (/^(no|n|false|nee|nein|non|否|❌)\b/u.test(t)) return false;
  return undefined;
}

const UNIT_WORDS: readonly [RegExp, string][] = [
  [/(minuten|minutos|minuti|mins?\.?|分钟|分)$/u, 'minutes'],
  [/(uur|uren|stunden|stunde|std\.?|heures?|horas?|ore|小时|時間|hrs?)$/u, 'hours'],
  [/(dagen|dag|tage|tag|jours?|j|dias|días|dia|día|giorni|天|日|d)$/u, 'days'],
  [/(weken|week|wochen|woche|semaines?|semanas?|周|星期|wk|w)$/u, 'weeks'],
  [/(seconden|sekunden|secondes|segundos|秒)$/u, 'seconds'],
];

/**
 * Reads an estimate as paraplan's schema accepts it ("15 minutes", "2h", "1-2 days", "2 uur", "3天").
 * Story points ("3 SP") and day-of-plan hints ("Day 1-2") are returned apart: they are not durations.
 */
export function parseEstimateText(raw: string):
  | {kind: 'estimate'; value: string}
  | {kind: 'story-points'; points: number}
  | {kind: 'day-span'; days: number; text: string}
  | undefined {
  const text = plain(repairMojibake(raw)).replace(/[()]/g, ' ').trim();
  const sp = /^(\d+(?:[.,]\d+)?)\s*(sp|story ?points?|points?|pts?)\b/i.exec(text);
  if (sp) return {kind: 'story-points', points: Number(sp[1]!.replace(',', '.'))};
  const day = dayRange(text);
  if (day) return day;
  const direct = text.replace(/^(?:~|≈|ca\.?|about|approx\.?)\s*/i, '');
  if (parseEstimate(direct)) return {kind: 'estimate', value: direct};
  const first = /^(?:~|≈|ca\.?|about|approx\.?|around|ongeveer|etwa|environ|aprox\.?|约|大约)?\s*(\d+(?:[.,]\d+)?(?:\s*(?:-|–|—|to|tot|bis|à|a|~|～|\.\.)\s*\d+(?:[.,]\d+)?)?)\s*([^\d\s.,;()]*)/iu.exec(text);
  if (!first) return undefined;
  const num = first[1]!.replace(/\s*(?:–|—|to|tot|bis|à|a|~|～|\.\.)\s*/g, '-').replace(/\s+/g, '');
  let unit = first[2]!.toLowerCase();
  for (const [re, english] of UNIT_WORDS) {
    if (re.test(unit)) {
      unit = english;
      break;
    }
  }
  if (/^1$/.test(num) && unit.endsWith('s')) unit = unit.slice(0, -1);
  const candidate = `${num} ${unit}`.trim();
  return parseEstimate(candidate) ? {kind: 'estimate', value: candidate} : undefined;
}

/** "Day 1-2", "Days 3–4", "Dag 2", "Tag 1 bis 3": which days of the plan a task is scheduled on. */
export function dayRange(text: string): {kind: 'day-span'; days: number; text: string} | undefined {
  const m = /\b(?:day|days|dag|dagen|tag|tage|jour|jours|dia|día|dias|días)\s*(\d+)(?:\s*(?:-|–|—|to|tot|bis|à|a|and|&)\s*(\d+))?\b/iu.exec(text);
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = m[2] === undefined ? low : Number(m[2]);
  if (high < low || high - low > 365) return undefined;
  return {kind: 'day-span', days: high - low + 1, text: m[0]};
}

/** Words that name a group of tasks, mapped to the stable prefix of its id. */
const GROUP_WORDS: readonly [RegExp, string][] = [
  [/^(batch|batches|lot|charge)$/, 'batch'],
  [/^(wave|waves|golf|welle|vague|ola|oleada)$/, 'wave'],
  [/^(phase|phases|fase|fases|etape|étape)$/, 'phase'],
  [/^(stage|stages|etapa|etappe)$/, 'stage'],
  [/^(milestone|milestones|mijlpaal|meilenstein|jalon|hito)$/, 'milestone'],
  [/^(track|tracks|spoor)$/, 'track'],
  [/^(epic|epics|epos)$/, 'epic'],
  [/^(sprint|sprints)$/, 'sprint'],
  [/^(session|sessions|sessie|sitzung|sesion)$/, 'session'],
  [/^(stream|streams|workstream|workstreams|work stream|werkstroom)$/, 'stream'],
  [/^(iteration|iteratie|iteracion)$/, 'iteration'],
  [/^(release)$/, 'release'],
  [/^(week|weeks|woche|semaine|semana)$/, 'week'],
  [/^(part|deel|teil|partie|parte)$/, 'part'],
  [/^(step|stap|schritt)$/, 'step'],
  [/^(阶段)$/, 'phase'],
  [/^(批次)$/, 'batch'],
  [/^(里程碑)$/, 'milestone'],
  [/^(迭代)$/, 'iteration'],
  [/^(第)$/, 'phase'],
];

/** The group kind a word names ("Batch" → batch, "Fase" → phase, "阶段" → phase), or undefined. */
export function groupWord(word: string): string | undefined {
  const w = fold(word);
  for (const [re, kind] of GROUP_WORDS) if (re.test(w)) return kind;
  return undefined;
}

/** Words that open a task heading or item: "Task 1.2:", "Story US-12:", "Taak 3". */
export const TASK_WORDS =
  /^(task|tasks|taak|taken|subtask|subtaak|sub-task|aufgabe|teilaufgabe|tache|tâche|tarea|subtarea|tarefa|subtarefa|story|user story|ticket|issue|item|work item|todo|job|feature|chore|bug|spike|任务|子任务|タスク|作業)$/i;

/** Section titles whose lists are tasks ("Tasks", "Taken", "Aufgaben", "任务", "Backlog", "Stories"). */
export function isTaskListTitle(title: string): boolean {
  if (title.length > 60) return false;
  const t = fold(cleanTitle(title).title).replace(/[:：]$/, '');
  return /^(tasks?|subtasks?|taken|subtaken|aufgaben|teilaufgaben|taches|tareas|stories|user stories|work items|items|todo|to ?do|todos|backlog|checklist|work|steps|action items|actions|implementation tasks|implementation|任务|任务列表|待办|待办事项|工作项)( list| \(.*\))?$/.test(t);
}

/** Section titles whose content describes tasks rather than being tasks (deliverables, criteria, risks...). */
export function sectionField(title: string): FieldName | 'skip' | undefined {
  if (title.length > 60) return undefined;
  const t = fold(cleanTitle(title).title).replace(/[:：]$/, '');
  const f = fieldOfLabel(t);
  if (f === 'deliverables' || f === 'criteria' || f === 'needs' || f === 'instructions' || f === 'description' || f === 'returns' || f === 'testStrategy' || f === 'files' || f === 'blocks') return f;
  if (/^(commands?|notes?|risks?|risk mitigation|blockers|contingenc(y|ies)|roll ?-?backs?|rollback plan|fallback plan|troubleshooting|known issues|future work|follow-?ups?|open questions|references|links|resources|shared resources|appendix|changelog|history|out of scope|non-goals|assumptions|success metrics|metrics|timeline|overview|summary|context|background|glossary)\b/.test(t)) return 'skip';
  return undefined;
}
