// `wait: <ms>`: pause.
import { defineStep } from '../define.js';
import { sleep } from '../runtime/wait.js';
import { ms } from '../schema-parts.js';

export const wait = defineStep({
  schema: ms('pause this long'),
  resolve: (input) => ({ ms: input }),
  run: (ctx, step) => sleep(step.ms, ctx.signal),
});
