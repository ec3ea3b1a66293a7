// Comparing two runs: compare() is pure; renderComparison() prints it.
export { compare, loadKey, DEFAULT_COMPARE_OPTIONS } from './compare.js';
export { renderComparison, renderComparisonMarkdown } from './render.js';
export { welchTTest, studentTwoSidedP, incompleteBeta } from './stats.js';
export type * from './model.js';
export { readRunResult, checkRunResult, ResultFileError, type ResultFileProblem } from './read-result.js';
export * from './read-result.js';
