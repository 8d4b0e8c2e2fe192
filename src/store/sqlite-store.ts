import {mkdirSync} from 'node:fs';
import {dirname} from 'node:path';
import Database from 'better-sqlite3';
import {err, ok, unreachable} from '../model/index.js';
import type {AttemptOutcome, Result, RunEvent, RunId, RunStatus, StoredEvent, TaskId, TaskStatus} from '../model/index.js';
import type {AttemptRecord, Heartbeat, Lease, LeaseConflict, NewRun, RunRecord, RunStore, TaskRecord} from './store.js';

/** Bumped when the schema changes; older files are migrated in `migrate`. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  plan_name TEXT NOT NULL,
  plan_file TEXT,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  workers INTEGER NOT NULL,
  options TEXT NOT NULL,
  lease_owner TEXT,
  lease_pid INTEGER,
  lease_host TEXT,
  lease_expires_at INTEGER,
  cancel_requested_at INTEGER,
  task_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
CREATE INDEX IF NOT EXISTS runs_plan ON runs(plan_file, started_at);
CREATE TABLE IF NOT EXISTS tasks (
  run TEXT NOT NULL,
  task TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  needs TEXT NOT NULL,
  executor TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  message TEXT,
  satisfied INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  started_at INTEGER,
  finished_at INTEGER,
  retry_at INTEGER,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (run, task)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS attempts (
  run TEXT NOT NULL,
  task TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  worker INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER,
  pid INTEGER,
  exit_code INTEGER,
  signal TEXT,
  outcome TEXT,
  duration_ms INTEGER,
  log_path TEXT NOT NULL,
  output_tail TEXT,
  message TEXT,
  verify TEXT,
  result TEXT,
  usage TEXT,
  worktree TEXT,
  changes TEXT,
  PRIMARY KEY (run, task, attempt)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
  run TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  reason TEXT NOT NULL,
  task TEXT,
  data TEXT NOT NULL,
  PRIMARY KEY (run, seq)
) WITHOUT ROWID;
`;

export interface SqliteStoreOptions {
  /** Is a process of this host alive? A lease held by a dead pid on this host is taken over at once. */
  readonly isAlive?: (pid: number) => boolean;
  /** This host's name, to compare with a lease's. */
  readonly host?: string;
}

/** Opens (creating when needed) the SQLite store at `file`. */
export function sqliteStore(file: string, options: SqliteStoreOptions = {}): RunStore {
  return new SqliteStore(file, options);
}

type Row = Record<string, unknown>;

class SqliteStore implements RunStore {
  readonly #db: Database.Database;
  readonly #isAlive: (pid: number) => boolean;
  readonly #host: string | undefined;
  readonly #stmt: ReturnType<SqliteStore['prepare']>;
  readonly #appendTx: (events: readonly RunEvent[]) => StoredEvent[];
  /** The last seq per run, cached when this process is the only writer of that run's events (see `#nextSeq`). */
  readonly #lastSeq = new Map<string, number>();

  constructor(file: string, options: SqliteStoreOptions) {
    if (file !== ':memory:') mkdirSync(dirname(file), {recursive: true});
    this.#db = new Database(file, {timeout: 15_000});
    this.#db.pragma('journal_mode = WAL');
    // WAL + NORMAL: a commit survives a crash of the process (what we guard against); only a power loss may
    // lose the last transactions, and never corrupts the file.
    this.#db.pragma('synchronous = NORMAL');
    this.#db.pragma('foreign_keys = OFF');
    this.#migrate();
    this.#isAlive = options.isAlive ?? defaultIsAlive;
    this.#host = options.host;
    this.#stmt = this.prepare();
    this.#appendTx = this.#db.transaction((events: readonly RunEvent[]) => events.map((e) => this.#applyOne(e)));
  }

  #migrate(): void {
    const version = this.#db.pragma('user_version', {simple: true}) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`this state folder was written by a newer paraplan (schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade paraplan`);
    }
    this.#db.exec(SCHEMA);
    this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }

  /** Prepared statements, made once. */
  private prepare() {
    const db = this.#db;
    return {
      insertRun: db.prepare(
        `INSERT INTO runs (id, plan_name, plan_file, status, started_at, workers, options, lease_owner, lease_pid, lease_host, lease_expires_at, task_count)
         VALUES (@id, @planName, @planFile, 'running', @startedAt, @workers, @options, @owner, @pid, @host, @expiresAt, @taskCount)`,
      ),
      insertTask: db.prepare(
        `INSERT INTO tasks (run, task, position, title, needs, executor, status, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)`,
      ),
      getRun: db.prepare(`SELECT * FROM runs WHERE id = ?`),
      latestRun: db.prepare(`SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT 1`),
      listRuns: db.prepare(`SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?`),
      tasks: db.prepare(`SELECT * FROM tasks WHERE run = ? ORDER BY position`),
      attempts: db.prepare(
        `SELECT a.* FROM attempts a LEFT JOIN tasks t ON t.run = a.run AND t.task = a.task WHERE a.run = ? ORDER BY t.position, a.attempt`,
      ),
      attemptsOfTask: db.prepare(`SELECT * FROM attempts WHERE run = ? AND task = ? ORDER BY attempt`),
      events: db.prepare(`SELECT seq, data FROM events WHERE run = ? AND seq > ? ORDER BY seq LIMIT ?`),
      maxSeq: db.prepare(`SELECT COALESCE(MAX(seq), 0) AS seq FROM events WHERE run = ?`),
      insertEvent: db.prepare(`INSERT INTO events (run, seq, at, type, reason, task, data) VALUES (?, ?, ?, ?, ?, ?, ?)`),
      runStatus: db.prepare(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`),
      runStarted: db.prepare(`UPDATE runs SET status = 'running', finished_at = NULL, cancel_requested_at = NULL WHERE id = ?`),
      runCancel: db.prepare(`UPDATE runs SET cancel_requested_at = COALESCE(cancel_requested_at, ?) WHERE id = ?`),
      taskStatus: db.prepare(
        `UPDATE tasks SET status = @status, reason = @reason, message = @message, satisfied = @satisfied, retry_at = @retryAt,
           finished_at = @finishedAt, updated_at = @at WHERE run = @run AND task = @task`,
      ),
      insertAttempt: db.prepare(
        `INSERT INTO attempts (run, task, attempt, worker, started_at, log_path, worktree) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      taskRunning: db.prepare(
        `UPDATE tasks SET status = 'running', reason = 'started', message = NULL, retry_at = NULL, finished_at = NULL, attempts = MAX(attempts, @attempt),
           started_at = COALESCE(started_at, @at), updated_at = @at WHERE run = @run AND task = @task`,
      ),
      attemptPid: db.prepare(`UPDATE attempts SET pid = ? WHERE run = ? AND task = ? AND attempt = ?`),
      attemptWorktree: db.prepare(`UPDATE attempts SET worktree = ? WHERE run = ? AND task = ? AND attempt = ?`),
      attemptFinished: db.prepare(
        `UPDATE attempts SET finished_at = @at, outcome = @outcome, exit_code = @exitCode, signal = @signal, duration_ms = @durationMs,
           output_tail = @outputTail, message = @message, verify = @verify, result = @result, usage = @usage, changes = @changes
         WHERE run = @run AND task = @task AND attempt = @attempt`,
      ),
      lease: db.prepare(`UPDATE runs SET lease_owner = ?, lease_pid = ?, lease_host = ?, lease_expires_at = ? WHERE id = ?`),
      renew: db.prepare(`UPDATE runs SET lease_expires_at = ? WHERE id = ? AND lease_owner = ?`),
      heartbeatRead: db.prepare(`SELECT lease_owner, cancel_requested_at FROM runs WHERE id = ?`),
      release: db.prepare(`UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?`),
      doneEarlier: db.prepare(
        `SELECT t.task, t.status, t.satisfied FROM tasks t JOIN runs r ON r.id = t.run
         WHERE r.plan_file = ? AND t.task = ? AND r.id <> ? AND (t.status = 'succeeded' OR (t.status = 'skipped' AND t.satisfied = 1))
         LIMIT 1`,
      ),
    };
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const tx = this.#db.transaction(() => {
      this.#stmt.insertRun.run({
        id: run.id,
        planName: run.planName,
        planFile: run.planFile ?? null,
        startedAt: run.startedAt,
        workers: run.workers,
        options: JSON.stringify(run.options),
        owner: run.lease.owner,
        pid: run.lease.pid,
        host: run.lease.host,
        expiresAt: run.lease.expiresAt,
        taskCount: run.tasks.length,
      });
      for (const t of run.tasks) this.#stmt.insertTask.run(run.id, t.task, t.position, t.title, JSON.stringify(t.needs), t.executor, run.startedAt);
    });
    tx.immediate();
    this.#lastSeq.set(run.id, 0);
    return toRun(this.#stmt.getRun.get(run.id) as Row);
  }

  async getRun(id: RunId): Promise<RunRecord | undefined> {
    const row = this.#stmt.getRun.get(id) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  async latestRun(): Promise<RunRecord | undefined> {
    const row = this.#stmt.latestRun.get() as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(options: {readonly limit?: number} = {}): Promise<RunRecord[]> {
    return (this.#stmt.listRuns.all(options.limit ?? 50) as Row[]).map(toRun);
  }

  async tasks(run: RunId): Promise<TaskRecord[]> {
    return (this.#stmt.tasks.all(run) as Row[]).map(toTask);
  }

  async attempts(run: RunId, task?: TaskId): Promise<AttemptRecord[]> {
    const rows = (task === undefined ? this.#stmt.attempts.all(run) : this.#stmt.attemptsOfTask.all(run, task)) as Row[];
    return rows.map(toAttempt);
  }

  async events(run: RunId, options: {readonly after?: number; readonly limit?: number} = {}): Promise<StoredEvent[]> {
    const rows = this.#stmt.events.all(run, options.after ?? 0, options.limit ?? -1) as {seq: number; data: string}[];
    return rows.map((r) => ({...(JSON.parse(r.data) as RunEvent), seq: r.seq}));
  }

  async append(events: readonly RunEvent[]): Promise<StoredEvent[]> {
    if (events.length === 0) return [];
    const tx = this.#appendTx as unknown as {immediate: (e: readonly RunEvent[]) => StoredEvent[]};
    try {
      return tx.immediate(events);
    } catch (e) {
      // The cached seq may be stale (another process appended): forget it and retry once.
      this.#lastSeq.clear();
      if ((e as {code?: string}).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return tx.immediate(events);
      throw e;
    }
  }

  /**
   * The next seq of a run. Read from the table on first use in this process; then counted locally. Another
   * process appending (a `clear`, a `cancel`) makes the insert fail on the primary key, and `append` retries
   * with a fresh read.
   */
  #nextSeq(run: string): number {
    let last = this.#lastSeq.get(run);
    if (last === undefined) last = (this.#stmt.maxSeq.get(run) as {seq: number}).seq;
    this.#lastSeq.set(run, last + 1);
    return last + 1;
  }

  #applyOne(e: RunEvent): StoredEvent {
    const seq = this.#nextSeq(e.run);
    const task = e.type === 'run' ? null : e.task;
    this.#stmt.insertEvent.run(e.run, seq, e.at, e.type, e.reason, task, JSON.stringify(e));
    const s = this.#stmt;
    switch (e.type) {
      case 'run':
        switch (e.reason) {
          case 'started':
            s.runStarted.run(e.run);
            break;
          case 'cancel-requested':
            s.runCancel.run(e.at, e.run);
            break;
          case 'interrupted':
            s.runStatus.run('interrupted', null, e.run);
            break;
          case 'finished':
            s.runStatus.run(e.status, e.at, e.run);
            break;
          default:
            unreachable(e);
        }
        break;
      case 'task': {
        const terminal = e.status === 'succeeded' || e.status === 'failed' || e.status === 'upstream_failed' || e.status === 'skipped' || e.status === 'cancelled';
        s.taskStatus.run({
          run: e.run,
          task: e.task,
          status: e.status,
          reason: e.reason,
          message: e.message ?? null,
          satisfied: e.satisfied === undefined ? null : e.satisfied ? 1 : 0,
          retryAt: e.retryAt ?? null,
          finishedAt: terminal ? e.at : null,
          at: e.at,
        });
        break;
      }
      case 'attempt':
        switch (e.reason) {
          case 'started':
            s.insertAttempt.run(e.run, e.task, e.attempt, e.worker, e.at, e.logPath, e.worktree ? JSON.stringify(e.worktree) : null);
            s.taskRunning.run({run: e.run, task: e.task, attempt: e.attempt, at: e.at});
            break;
          case 'prepared':
            s.attemptWorktree.run(JSON.stringify(e.worktree), e.run, e.task, e.attempt);
            break;
          case 'spawned':
            s.attemptPid.run(e.pid, e.run, e.task, e.attempt);
            break;
          case 'finished':
            s.attemptFinished.run({
              run: e.run,
              task: e.task,
              attempt: e.attempt,
              at: e.at,
              outcome: e.outcome,
              exitCode: e.exitCode,
              signal: e.signal ?? null,
              durationMs: Math.round(e.durationMs),
              outputTail: e.outputTail ?? null,
              message: e.message ?? null,
              verify: JSON.stringify(e.verify),
              result: e.result ?? null,
              usage: e.usage ? JSON.stringify(e.usage) : null,
              changes: e.changes ? JSON.stringify(e.changes) : null,
            });
            break;
          default:
            unreachable(e);
        }
        break;
      default:
        unreachable(e);
    }
    // Not `{...e, seq}`: a spread plus a new key makes V8 build a hidden class per event; assign reuses them.
    return Object.assign({}, e, {seq});
  }

  async acquireLease(run: RunId, lease: Lease, now: number): Promise<Result<RunRecord, LeaseConflict>> {
    const tx = this.#db.transaction((): Result<RunRecord, LeaseConflict> => {
      const row = this.#stmt.getRun.get(run) as Row | undefined;
      if (!row) return err({reason: 'no-such-run', message: `there is no run ${run}`});
      const current = toRun(row);
      const held = current.lease;
      if (held && held.owner !== lease.owner && current.status === 'running') {
        const sameHost = this.#host !== undefined && held.host === this.#host;
        const dead = sameHost && !this.#isAlive(held.pid);
        if (held.expiresAt > now && !dead) {
          const where = sameHost ? `process ${held.pid}` : `process ${held.pid} on ${held.host}`;
          return err({
            reason: 'held',
            lease: held,
            message: `run ${run} is still running (${where}); wait for it to finish, or stop it with \`paraplan cancel ${run}\``,
          });
        }
      }
      this.#stmt.lease.run(lease.owner, lease.pid, lease.host, lease.expiresAt, run);
      return ok(toRun(this.#stmt.getRun.get(run) as Row));
    });
    return tx.immediate();
  }

  async heartbeat(run: RunId, owner: string, expiresAt: number): Promise<Heartbeat> {
    const changed = this.#stmt.renew.run(expiresAt, run, owner).changes;
    const row = this.#stmt.heartbeatRead.get(run) as {lease_owner: string | null; cancel_requested_at: number | null} | undefined;
    return {held: changed > 0 && row?.lease_owner === owner, cancelRequested: row?.cancel_requested_at != null};
  }

  async releaseLease(run: RunId, owner: string): Promise<void> {
    this.#stmt.release.run(run, owner);
  }

  async requestCancel(run: RunId, at: number): Promise<boolean> {
    const row = this.#stmt.getRun.get(run) as Row | undefined;
    if (!row || row['status'] !== 'running') return false;
    this.#stmt.runCancel.run(at, run);
    return true;
  }

  async doneEarlier(planFile: string, tasks: readonly TaskId[], except?: RunId): Promise<Set<TaskId>> {
    const done = new Set<TaskId>();
    for (const t of tasks) if (this.#stmt.doneEarlier.get(planFile, t, except ?? '')) done.add(t);
    return done;
  }

  close(): void {
    this.#db.close();
  }
}

function defaultIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const str = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));
const json = <T>(v: unknown): T | undefined => (typeof v === 'string' ? (JSON.parse(v) as T) : undefined);

/** Builds an object leaving out undefined fields (`exactOptionalPropertyTypes`-friendly, and smaller JSON). */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function toRun(r: Row): RunRecord {
  const owner = str(r['lease_owner']);
  return defined({
    id: r['id'] as RunId,
    planName: String(r['plan_name']),
    planFile: str(r['plan_file']),
    status: r['status'] as RunStatus,
    startedAt: Number(r['started_at']),
    finishedAt: num(r['finished_at']),
    workers: Number(r['workers']),
    options: JSON.parse(String(r['options'])) as RunRecord['options'],
    lease:
      owner === undefined
        ? undefined
        : {owner, pid: Number(r['lease_pid']), host: String(r['lease_host']), expiresAt: Number(r['lease_expires_at'])},
    cancelRequestedAt: num(r['cancel_requested_at']),
    taskCount: Number(r['task_count']),
  });
}

function toTask(r: Row): TaskRecord {
  const satisfied = num(r['satisfied']);
  return defined({
    run: r['run'] as RunId,
    task: r['task'] as TaskId,
    position: Number(r['position']),
    title: String(r['title']),
    needs: JSON.parse(String(r['needs'])) as TaskId[],
    executor: String(r['executor']),
    status: r['status'] as TaskStatus,
    reason: str(r['reason']),
    message: str(r['message']),
    satisfied: satisfied === undefined ? undefined : satisfied === 1,
    attempts: Number(r['attempts']),
    startedAt: num(r['started_at']),
    finishedAt: num(r['finished_at']),
    retryAt: num(r['retry_at']),
    updatedAt: Number(r['updated_at']),
  });
}

function toAttempt(r: Row): AttemptRecord {
  const exit = r['exit_code'];
  return defined({
    run: r['run'] as RunId,
    task: r['task'] as TaskId,
    attempt: Number(r['attempt']),
    worker: Number(r['worker']),
    startedAt: Number(r['started_at']),
    finishedAt: num(r['finished_at']),
    pid: num(r['pid']),
    exitCode: r['outcome'] === null ? undefined : exit === null ? null : Number(exit),
    signal: str(r['signal']),
    outcome: str(r['outcome']) as AttemptOutcome | undefined,
    durationMs: num(r['duration_ms']),
    logPath: String(r['log_path']),
    outputTail: str(r['output_tail']),
    message: str(r['message']),
    verify: json<AttemptRecord['verify']>(r['verify']) ?? [],
    result: str(r['result']),
    usage: json<AttemptRecord['usage']>(r['usage']),
    worktree: json<AttemptRecord['worktree']>(r['worktree']),
    changes: json<AttemptRecord['changes']>(r['changes']),
  });
}
