// The `load:` section of a scenario: the load module owns its schema (harness/load/schema.ts); the
// scenario schema embeds it so one JSON Schema covers both.
import { Type, type Static } from '@sinclair/typebox';
import { LoadSection } from '../load/schema.js';

export const LoadSectionSchema = Type.Unsafe<Static<typeof LoadSection>>({
  ...LoadSection,
  $id: 'LoadSection',
});
