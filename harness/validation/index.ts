// One validation pipeline for every file the harness reads: YAML → line and column → JSON Schema →
// issue (`file:line:column: path: message`). Scenarios, the config file, target deviations, coverage
// exclusions and network profiles all go through it.
export {
  checkDocument,
  checkValue,
  locateProblem,
  type CheckedDocument,
  type DocumentOptions,
} from './document.js';
export { formatIssue, type ValidationIssue, type ValueIssue } from './issue.js';
export { formatPath, locate, pointerToPath, type PathSegment, type Position } from './position.js';
export { checkSchema, conforms, type SchemaOptions, type SchemaProblem } from './schema.js';
export { parseYaml, type ParseOptions, type YamlSource } from './yaml.js';
export * from './issue.js';
