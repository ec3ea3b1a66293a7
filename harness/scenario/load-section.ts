// The `load:` section of a scenario: the load module owns its schema (harness/load/schema.ts, the
// union of the executors' schemas); the scenario schema embeds it so one JSON Schema covers both.
// In JSON Schema the union is written as `executor` (one of the registered names) plus one
// if/then per executor: a validator then reports only the errors of the executor the section names
// (an anyOf would report, or guess among, the errors of every branch), and editors still complete
// each executor's keys.
import { Type } from '@sinclair/typebox';
import { EXECUTORS } from '../load/index.js';
import type { LoadSection } from '../load/index.js';

export const LoadSectionSchema = Type.Unsafe<LoadSection>({
  $id: 'LoadSection',
  type: 'object',
  description: 'a load run: one executor and its keys (docs/load.md)',
  required: ['executor'],
  properties: {
    executor: {
      enum: EXECUTORS.map((executor) => executor.type),
      description: 'the load model; the other keys depend on it',
    },
  },
  allOf: EXECUTORS.map((executor) => ({
    if: { properties: { executor: { const: executor.type } }, required: ['executor'] },
    then: executor.schema,
  })),
});
