import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {MessageChannel, receiveMessageOnPort, Worker, type MessagePort} from 'node:worker_threads';
import type {AnalyzePlanOptions, TaskGraph, WhatIfKnown, WhatIfOptions, WhatIfRow} from '../schedule/index.js';
import {whatIfWorkersWith} from '../schedule/index.js';

/**
 * Plans with at least this many tasks compute the what-if table on a second thread while the main schedule is
 * searched: on 100,000 tasks the table costs about as much as the schedule. Below it a thread costs more than it saves.
 */
export const WHAT_IF_THREAD_MIN_TASKS = 20_000;

/** Values of the shared state word, set by the thread: 0 while it starts. */
export const THREAD_READY = 1;
export const THREAD_ANSWERED = 2;
export const THREAD_FAILED = 3;

/** What the thread is started with. */
export interface WhatIfThreadData {
  readonly state: Int32Array;
  readonly port: MessagePort;
}

/** What the thread is asked. */
export interface WhatIfRequest {
  readonly graph: TaskGraph;
  readonly options: WhatIfOptions;
  readonly known: WhatIfKnown;
}

/** A thread that has not started by then is given up on, and the rows are computed here. */
const START_TIMEOUT_MS = 5_000;
/** Nor is a thread waited on longer than this (it may have died without a word). */
const ANSWER_TIMEOUT_MS = 120_000;

export interface WhatIfThread {
  /** For `analyzePlan`'s `whatIfElsewhere`. */
  readonly elsewhere: NonNullable<AnalyzePlanOptions['whatIfElsewhere']>;
  /** Stops the thread (it may still be starting or working). */
  close(): void;
  /** True once the thread gave the rows (false: they were computed on this thread after it failed). */
  readonly answered: boolean;
}

/**
 * Starts a thread for the what-if table, or returns undefined when the worker script is not there (running from
 * the TypeScript sources). `analyzePlan` is synchronous, so the answer is awaited with `Atomics.wait` on shared
 * memory and read with `receiveMessageOnPort`; if the thread fails, the rows are computed on this one.
 */
export function startWhatIfThread(): WhatIfThread | undefined {
  const script = new URL('./what-if-worker.js', import.meta.url);
  if (!existsSync(fileURLToPath(script))) return undefined;
  const state = new Int32Array(new SharedArrayBuffer(4));
  const {port1, port2} = new MessageChannel();
  const data: WhatIfThreadData = {state, port: port2};
  const worker = new Worker(script, {workerData: data, transferList: [port2]});
  worker.unref();
  // A failed thread is noticed by its state; the event must not become an uncaught error.
  worker.on('error', () => {});
  let answered = false;
  return {
    elsewhere: (graph, options, known) => {
      // Ids are not needed for the rows; copying 100,000 strings is not free.
      const request: WhatIfRequest = {graph: {...graph, ids: []}, options, known};
      port1.postMessage(request);
      return () => {
        const rows = waitForRows(state, port1);
        answered = rows !== undefined;
        return rows ?? whatIfWorkersWith(graph, options, known);
      };
    },
    get answered() {
      return answered;
    },
    close: () => {
      port1.close();
      void worker.terminate();
    },
  };
}

function waitForRows(state: Int32Array, port: MessagePort): WhatIfRow[] | undefined {
  const began = Date.now();
  for (;;) {
    const now = Atomics.load(state, 0);
    if (now === THREAD_ANSWERED) return (receiveMessageOnPort(port)?.message as {rows?: WhatIfRow[]} | undefined)?.rows;
    if (now === THREAD_FAILED) return undefined;
    const waited = Date.now() - began;
    if (waited > (now === THREAD_READY ? ANSWER_TIMEOUT_MS : START_TIMEOUT_MS)) return undefined;
    Atomics.wait(state, 0, now, 50);
  }
}
