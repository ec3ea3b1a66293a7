// Public surface of harness/cli/.
export * from './main.js';
