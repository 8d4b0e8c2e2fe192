export * from './ids.js';
export * from './diagnostic.js';
export * from './duration.js';
export * from './plan.js';
export * from './result.js';
export * from './unreachable.js';
export * from './run.js';
