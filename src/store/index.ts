export type {AttemptRecord, Heartbeat, Lease, LeaseConflict, NewRun, NewTask, RunOptions, RunRecord, RunStore, TaskRecord} from './store.js';
export {sqliteStore, type SqliteStoreOptions} from './sqlite-store.js';
export {STATE_DIR_NAME, DB_FILE_NAME, logPathFor} from './paths.js';
