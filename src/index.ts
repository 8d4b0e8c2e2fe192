/**
 * paraplan's library API: the plan model, loading and validation, and the scheduler.
 * The CLI (`bin/paraplan.js`) is built on exactly these.
 */
export * from './model/index.js';
export * from './plan/index.js';
export * from './schedule/index.js';
