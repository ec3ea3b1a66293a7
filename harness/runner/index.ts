// Public surface of harness/runner/.
export * from './load-run.js';
export * from './pool.js';
export * from './scenario-run.js';
