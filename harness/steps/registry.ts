// Every step kind, once. The scenario format (the Step schema), the input and resolved step types,
// the resolver and the runner are all derived from STEP_TABLE: adding a kind is one file under kinds/
// and one line here (then `npm run schema`). The compiler checks each entry against the types derived
// from the table, and every dispatch over kinds is a lookup in it, so no list can miss a kind.
import { Type } from '@sinclair/typebox';
import type {
  ExpansionDefinition,
  NestingContext,
  RunSteps,
  StepBase,
  StepDefinition,
  VisitSteps,
} from './define.js';
import { auth } from './kinds/auth.js';
import { connect } from './kinds/connect.js';
import { disconnect } from './kinds/disconnect.js';
import { drop } from './kinds/drop.js';
import { expectAll } from './kinds/expect-all.js';
import { expectClosed } from './kinds/expect-closed.js';
import { expectCount } from './kinds/expect-count.js';
import { expectNothing } from './kinds/expect-nothing.js';
import { expect } from './kinds/expect.js';
import { parallelStep } from './kinds/parallel.js';
import { ping } from './kinds/ping.js';
import { publish } from './kinds/publish.js';
import { raw } from './kinds/raw.js';
import { reconnect } from './kinds/reconnect.js';
import { repeatStep } from './kinds/repeat.js';
import { send } from './kinds/send.js';
import { subscribe } from './kinds/subscribe.js';
import { unsubscribe } from './kinds/unsubscribe.js';
import { wait } from './kinds/wait.js';
import { websocket } from './kinds/websocket.js';
import { whenStep } from './kinds/when.js';
import { closed } from './schema-parts.js';

/** A nested step (parallel branches, repeat): checked by the Step schema itself. */
const nestedStep = Type.Unsafe<StepInput>({ $ref: 'Step' });

/** Kind → definition. The order is the order of the documentation and of error messages. */
const STEP_TABLE = {
  connect,
  reconnect,
  send,
  raw,
  expect,
  expectAll,
  expectNothing,
  expectCount,
  expectClosed,
  wait,
  disconnect,
  drop,
  subscribe,
  unsubscribe,
  publish,
  ping,
  auth,
  websocket,
  parallel: parallelStep<StepInput, StepMap>(nestedStep),
  repeat: repeatStep<StepInput, StepMap>(nestedStep),
  when: whenStep<StepInput, StepMap>(nestedStep),
};

type Table = typeof STEP_TABLE;
export type StepKind = keyof Table;
/** Kinds replaced by other steps when resolved (repeat); the others run. */
export type ExpansionKind = { [K in StepKind]: [BodyMap[K]] extends [never] ? K : never }[StepKind];
export type RunKind = Exclude<StepKind, ExpansionKind>;

// Read off the definitions' type arguments (not their members), so the nested kinds, whose types
// refer back to StepInput and StepMap, do not make these types circular.
type InputOf<D> =
  D extends StepDefinition<infer I, infer _B, infer _C, infer _R, infer _H>
    ? I
    : D extends ExpansionDefinition<infer I, infer _C, infer _S>
      ? I
      : never;
type BodyOf<D> = D extends StepDefinition<infer _I, infer B, infer _C, infer _R, infer _H> ? B : never;
type InputMap = { [K in StepKind]: InputOf<Table[K]> };
/** Kind → body of its resolved step (never for expansions: they leave no step). */
type BodyMap = { [K in StepKind]: BodyOf<Table[K]> };
type Resolved<K, Body> = Body & { readonly kind: K } & StepBase;

/** A step as written in a scenario: exactly one key, the kind (enforced by the schema). */
// An interface, not a type alias: the nested kinds refer to it, and only interfaces may be recursive
// through the table they are derived from.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StepInput extends Partial<InputMap> {}

/** Kind → resolved step of that kind. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface StepMap extends StepMapOf {}
type StepMapOf = { [K in StepKind]: Resolved<K, BodyMap[K]> };

/** The resolved step of kind K (of any kind by default: a union discriminated by `kind`). */
export type StepOf<K extends StepKind = StepKind> = { [P in K]: Resolved<P, BodyMap[P]> }[K];
export type ResolvedStep = StepOf;

type Nesting = NestingContext<StepInput, StepMap>;

/** The table seen through the derived types: each entry must accept its kind's input and body. */
export const RUNNABLE: {
  [K in RunKind]: StepDefinition<InputMap[K], BodyMap[K], Nesting, RunSteps<StepMap>, VisitSteps<StepMap>>;
} = STEP_TABLE;
export const EXPANSIONS: { [K in ExpansionKind]: ExpansionDefinition<InputMap[K], Nesting, StepMap> } =
  STEP_TABLE;

export const STEP_KINDS: readonly StepKind[] = Object.keys(STEP_TABLE).filter(isStepKind);

function isStepKind(key: string): key is StepKind {
  return Object.hasOwn(STEP_TABLE, key);
}

export function isExpansionKind(kind: StepKind): kind is ExpansionKind {
  return 'expand' in STEP_TABLE[kind];
}

export function isRunKind(kind: StepKind): kind is RunKind {
  return 'run' in STEP_TABLE[kind];
}

/** What a step as written holds under `kind` (the kind's input), if that is its kind. */
export function inputOf<K extends StepKind>(step: StepInput, kind: K): InputMap[K] | undefined {
  const inputs: Partial<InputMap> = step;
  return inputs[kind];
}

export function withBase<K, Body>(kind: K, body: Body, base: StepBase): Resolved<K, Body> {
  return { ...body, kind, ...base };
}

/** The scenario format of one step: an object with exactly one key, the kind. */
export const StepSchema = Type.Unsafe<StepInput>(
  Type.Object(Object.fromEntries(STEP_KINDS.map((kind) => [kind, Type.Optional(STEP_TABLE[kind].schema)])), {
    ...closed,
    minProperties: 1,
    maxProperties: 1,
    description: 'exactly one step key',
    $id: 'Step',
  }),
);
