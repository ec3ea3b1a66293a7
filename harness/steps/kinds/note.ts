// `note: <text>`: does nothing; the text is kept in the resolved step (a trivial kind, added to check
// that a step kind is one file and one registry line).
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';

export const note = defineStep({
  schema: Type.String({ minLength: 1, description: 'a remark; the step does nothing' }),
  resolve: (text) => ({ text }),
  run: () => Promise.resolve(),
});
