// `when`: runs `then` or `else` depending on what the broker announced in a client's last CONNACK
// (Maximum QoS, Retain Available, ...), so one scenario judges a broker by its own announcement
// instead of assuming full capability. An absent property counts as its default in the standard
// (Maximum QoS 2, the Available flags 1, Topic Alias Maximum 0, Receive Maximum 65,535); Server
// Keep Alive has no default and matches only `absent: true` when not sent. A 3.1.1 CONNACK
// announces nothing, so every property holds its default there.
import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
import type { Properties } from '../../../wire/index.js';
import type { NestingContext, RunSteps, StepDefinition, VisitSteps } from '../define.js';
import { StepFailure, type RunContext } from '../runtime/context.js';
import { clientName, closed } from '../schema-parts.js';

/** The CONNACK properties a condition may name, with their defaults when absent. */
export const ANNOUNCED = {
  maximumQoS: 2,
  retainAvailable: 1,
  wildcardSubscriptionAvailable: 1,
  sharedSubscriptionAvailable: 1,
  subscriptionIdentifiersAvailable: 1,
  topicAliasMaximum: 0,
  receiveMaximum: 65_535,
  serverKeepAlive: undefined,
} as const;
type Announced = keyof typeof ANNOUNCED;

const Condition = Type.Union([
  Type.Integer({ minimum: 0, description: 'exactly this value' }),
  Type.Object(
    {
      min: Type.Optional(Type.Integer({ minimum: 0 })),
      max: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { ...closed, minProperties: 1, description: 'a range, both ends included' },
  ),
  Type.Object({ absent: Type.Literal(true) }, { ...closed, description: 'not in the CONNACK' }),
]);
type ConditionInput = Static<typeof Condition>;

function whenSchema<Input>(step: TUnsafe<Input>) {
  const steps = Type.Array(step, { minItems: 1 });
  return Type.Object(
    {
      client: Type.Optional(clientName),
      connack: Type.Object(
        {
          maximumQoS: Type.Optional(Condition),
          retainAvailable: Type.Optional(Condition),
          wildcardSubscriptionAvailable: Type.Optional(Condition),
          sharedSubscriptionAvailable: Type.Optional(Condition),
          subscriptionIdentifiersAvailable: Type.Optional(Condition),
          topicAliasMaximum: Type.Optional(Condition),
          receiveMaximum: Type.Optional(Condition),
          serverKeepAlive: Type.Optional(Condition),
        },
        { ...closed, minProperties: 1, description: 'every condition must hold for `then`' },
      ),
      then: Type.Optional(steps),
      else: Type.Optional(steps),
    },
    { ...closed, description: "branch on what the client's last CONNACK announced" },
  );
}

type WhenBody<Steps> = {
  client: string;
  connack: Partial<Record<Announced, ConditionInput>>;
  then: Steps[keyof Steps][];
  else: Steps[keyof Steps][];
};

export type WhenDefinition<Input, Steps> = StepDefinition<
  Static<ReturnType<typeof whenSchema<Input>>>,
  WhenBody<Steps>,
  NestingContext<Input, Steps>,
  RunSteps<Steps>,
  VisitSteps<Steps>
>;

/** Whether the announced value (undefined: not sent) meets the condition. */
export function holds(property: Announced, properties: Properties, condition: ConditionInput): boolean {
  const sent = properties[property];
  if (typeof condition === 'object' && 'absent' in condition) return sent === undefined;
  const value = sent ?? ANNOUNCED[property];
  if (value === undefined) return false;
  if (typeof condition === 'number') return value === condition;
  return (
    (condition.min === undefined || value >= condition.min) &&
    (condition.max === undefined || value <= condition.max)
  );
}

export function whenStep<Input, Steps>(step: TUnsafe<Input>): WhenDefinition<Input, Steps> {
  return {
    schema: whenSchema(step),
    resolve(input, ctx) {
      if (input.then === undefined && input.else === undefined) {
        ctx.problem([], 'needs `then` or `else`');
        return undefined;
      }
      return {
        client: ctx.client(input.client),
        connack: input.connack,
        then: input.then === undefined ? [] : ctx.resolveSteps(input.then, ['then']),
        else: input.else === undefined ? [] : ctx.resolveSteps(input.else, ['else']),
      };
    },
    async run(ctx: RunContext, body, runSteps) {
      const client = ctx.client(body.client);
      if (client.connack === undefined) {
        throw new StepFailure(`when: client '${body.client}' has received no CONNACK yet`, {
          clients: [body.client],
        });
      }
      const properties = client.connack.properties;
      const all = (Object.entries(body.connack) as [Announced, ConditionInput][]).every(([key, condition]) =>
        holds(key, properties, condition),
      );
      await runSteps(ctx, all ? body.then : body.else);
    },
    children: (body, visit) => {
      visit(body.then);
      visit(body.else);
    },
  };
}
