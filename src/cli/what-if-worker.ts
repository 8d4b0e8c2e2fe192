// The what-if thread (see what-if-thread.ts): computes the rows for one graph, answers, and ends.
import {workerData} from 'node:worker_threads';
import {whatIfWorkersWith} from '../schedule/index.js';
import {THREAD_ANSWERED, THREAD_FAILED, THREAD_READY, type WhatIfRequest, type WhatIfThreadData} from './what-if-thread.js';

function set(state: Int32Array, value: number): void {
  Atomics.store(state, 0, value);
  Atomics.notify(state, 0);
}

const {state, port} = workerData as WhatIfThreadData;
port.once('message', (request: WhatIfRequest) => {
  try {
    port.postMessage({rows: whatIfWorkersWith(request.graph, request.options, request.known)});
    set(state, THREAD_ANSWERED);
  } catch {
    set(state, THREAD_FAILED);
  }
  port.close();
});
set(state, THREAD_READY);
