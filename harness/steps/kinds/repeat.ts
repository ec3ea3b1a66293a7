// `repeat`: the nested steps `count` times, unrolled when the scenario is loaded; `${var}` (default
// `${i}`) is the iteration, from 0. It leaves no step of its own in the resolved scenario.
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { ExpansionDefinition, NestingContext } from '../define.js';
import { closed } from '../schema-parts.js';

function repeatSchema<Input>(step: TUnsafe<Input>) {
  return Type.Object(
    {
      count: Type.Integer({ minimum: 0, maximum: 10000 }),
      var: Type.Optional(
        Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: "counter name, default 'i'" }),
      ),
      steps: Type.Array(step, { minItems: 1 }),
    },
    closed,
  );
}

export type RepeatDefinition<Input, Steps> = ExpansionDefinition<
  Static<ReturnType<typeof repeatSchema<Input>>>,
  NestingContext<Input, Steps>,
  Steps
>;

export function repeatStep<Input, Steps>(step: TUnsafe<Input>): RepeatDefinition<Input, Steps> {
  return {
    schema: repeatSchema(step),
    expand(input, ctx) {
      const name = input.var ?? 'i';
      const out: Steps[keyof Steps][] = [];
      for (let n = 0; n < input.count; n += 1) {
        out.push(...ctx.resolveSteps(input.steps, ['steps'], { [name]: String(n) }));
      }
      return out;
    },
  };
}
