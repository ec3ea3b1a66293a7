// Public surface of harness/result/.
export * from './assemble.js';
export * from './diff-model.js';
export * from './intervals.js';
export * from './generator.js';
export * from './keys.js';
export * from './merge.js';
export * from './model.js';
export * from './summary.js';
export * from './sweep-stats.js';
export * from './sweep.js';
export * from './transcript.js';
