// The entry of the what-if thread (see what-if-thread.ts): from a graph's arrays, list-schedule makespans for 2, 4,
// 8, ... workers, one message per row, until a row reaches the critical path or the worker count the task count.
// Imports only the list scheduler, so the thread starts in a few ms.
import {parentPort} from 'node:worker_threads';
import {criticalPathTimes, timeEpsilon} from '../schedule/critical-path.js';
import {cpMisfPositions, ListMakespans} from '../schedule/list-schedule.js';
import type {TaskGraph} from '../schedule/task-graph.js';
import type {RowMessage, RowsRequest} from './what-if-thread.js';

const port = parentPort;
if (!port) throw new Error('Internal error: what-if-worker.js runs only as a worker thread');
port.once('message', (request: RowsRequest) => {
  const {n, skip} = request;
  // Task ids are not needed for makespans, so they are not copied to this thread.
  const graph: TaskGraph = {...request, ids: []};
  const critical = criticalPathTimes(graph).length;
  port.postMessage({critical} satisfies RowMessage);
  const lists = new ListMakespans(graph, cpMisfPositions(graph));
  const eps = timeEpsilon(critical);
  for (let workers = 2; workers <= n; workers = Math.min(workers * 2, n)) {
    if (workers !== skip) {
      const row = lists.row(workers, critical);
      port.postMessage({workers, ...row} satisfies RowMessage);
      if (row.makespan <= critical + eps) break;
    }
    if (workers === n) break;
  }
});
