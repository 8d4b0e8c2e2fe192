import {Worker} from 'node:worker_threads';
import {WhatIfTable} from '../schedule/index.js';
import type {TaskGraph, WhatIfRow, WorkerSchedule} from '../schedule/index.js';

/**
 * Plans above this many tasks get their what-if rows from a second thread while the main thread searches the main
 * schedule and writes the output: on 100,000 tasks the rows are ten list schedules, about 0.2 s. Below it the
 * thread's start-up would cost more than it saves.
 */
export const WHAT_IF_THREAD_MIN_TASKS = 20_000;

/** What the thread is sent: the graph's arrays (no ids). */
export type RowsRequest = Omit<TaskGraph, 'ids'> & {
  /** A worker count whose row the main thread has (the main schedule's): not computed. */
  readonly skip: number;
};

/** What the thread sends: first the critical path length, then one message per row. */
export type RowMessage = {readonly critical: number} | {readonly workers: number; readonly makespan: number; readonly optimal: boolean};

/**
 * The what-if table computed on a worker thread. Started before the plan is analyzed (its start-up overlaps the
 * graph's construction), sent the graph by `analyzePlan`'s `onGraph`, and completed with the main schedule's
 * row. The rows are the ones `analyzePlan` would compute (`WhatIfTable` applies the same rule to the same list
 * schedules); a test compares them.
 */
export class WhatIfThread {
  readonly #worker: Worker;
  readonly #received = new Map<number, {readonly makespan: number; readonly optimal: boolean}>();
  #graph: TaskGraph | undefined;
  #table: WhatIfTable | undefined;
  #known: {readonly workers: number; readonly schedule: {readonly makespan: number; readonly optimal: boolean}} | undefined;
  #failure: Error | undefined;
  #exitCode: number | undefined;
  #settle: {resolve: (rows: WhatIfRow[]) => void; reject: (e: Error) => void} | undefined;

  constructor() {
    this.#worker = new Worker(new URL('./what-if-worker.js', import.meta.url));
    // Never what keeps the process alive: the rows are awaited, or not needed.
    this.#worker.unref();
    this.#worker.on('message', (message: RowMessage) => {
      if ('critical' in message) this.#table = new WhatIfTable(this.#graph!, {}, message.critical);
      else this.#received.set(message.workers, message);
      this.#fill();
    });
    this.#worker.on('error', (e) => this.#fail(e));
    // The thread ends by itself after its last row; rows it did not send are then a failure.
    this.#worker.on('exit', (code) => {
      this.#exitCode = code;
      this.#fill();
    });
  }

  /**
   * Sends the graph (its arrays are copied: the main thread goes on using them). `workers` is the worker count of
   * the main schedule, whose row {@link rows} is given.
   */
  send(graph: TaskGraph, workers: number): void {
    this.#graph = graph;
    const {ids: _ids, ...arrays} = graph;
    this.#worker.postMessage({...arrays, skip: workers} satisfies RowsRequest);
  }

  /** The rows, once the thread has sent those the table needs; `schedule` fills the row of its worker count. */
  rows(schedule: Pick<WorkerSchedule<unknown>, 'workers' | 'makespan' | 'optimal'>): Promise<WhatIfRow[]> {
    this.#known = {workers: schedule.workers, schedule};
    return new Promise((resolve, reject) => {
      this.#settle = {resolve, reject};
      if (!this.#graph) this.#fail(new Error('Internal error: the what-if thread was not sent a graph'));
      else if (this.#failure) this.#fail(this.#failure);
      else this.#fill();
    });
  }

  /** Stops the thread (also when the rows are not needed after all). */
  stop(): void {
    this.#worker.removeAllListeners('exit');
    void this.#worker.terminate();
  }

  #fill(): void {
    const table = this.#table;
    const known = this.#known;
    if (!known || !this.#settle) return;
    if (!table) {
      if (this.#exitCode !== undefined) this.#fail(new Error(`the what-if thread exited (code ${this.#exitCode}) without the critical path`));
      return;
    }
    for (let workers = table.next(); workers !== undefined; workers = table.next()) {
      const row = workers === 1 ? {makespan: table.sequential, optimal: true} : workers === known.workers ? known.schedule : this.#received.get(workers);
      if (!row) {
        if (this.#exitCode !== undefined) this.#fail(new Error(`the what-if thread exited (code ${this.#exitCode}) without the row for ${workers} workers`));
        return;
      }
      table.add(row);
    }
    this.stop();
    this.#settle.resolve(table.rows);
    this.#settle = undefined;
  }

  #fail(e: Error): void {
    this.#failure ??= e;
    this.stop();
    this.#settle?.reject(this.#failure);
    this.#settle = undefined;
  }
}
