// Public surface of harness/shard/.
export * from './launcher.js';
export * from './segment.js';
