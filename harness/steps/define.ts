// What a step kind is: one file under kinds/ exports a definition with its schema (the YAML it
// accepts), its resolver (checks the schema cannot express, defaults; input → resolved step) and its
// runner. registry.ts lists every kind once; the scenario format, the resolver and the runner all
// derive from that table.
import type { Static, TSchema } from '@sinclair/typebox';
import type { PathSegment } from '../validation/index.js';
import type { RunContext } from './runtime/context.js';

/** What every resolved step has, whatever its kind. */
export interface StepBase {
  /** 0-based position in the flattened step list (repeat unrolled, parallel branches in order). */
  readonly index: number;
  /** `file:line` of the step in the scenario file. */
  readonly location: string;
}

/** What a resolver can do besides reading its input. */
export interface ResolveContext {
  /** The client a step names (default 'a'), registered with the scenario. */
  client(name: string | undefined): string;
  /** Reports a problem at `sub` below the step's key (['qos'] → steps[3].subscribe.qos). */
  problem(sub: readonly PathSegment[], message: string): undefined;
}

/**
 * For kinds that hold steps (parallel, repeat). `Nested` is the registry's map of kind → resolved
 * step, so a nested step is any kind, without this file naming them.
 */
export interface NestingContext<Input, Nested> extends ResolveContext {
  /** Resolves a list of steps found at `sub` below the step's key; `vars` are substituted in them. */
  resolveSteps(
    list: readonly Input[],
    sub: readonly PathSegment[],
    vars?: Readonly<Record<string, string>>,
  ): Nested[keyof Nested][];
}

/** Receives a nested list of steps (the registry's map of kind → resolved step is `Nested`). */
export type VisitSteps<Nested> = (list: readonly Nested[keyof Nested][]) => void;

/** Runs a nested list of steps, each recorded like a top-level one. */
export type RunSteps<Nested> = (ctx: RunContext, list: readonly Nested[keyof Nested][]) => Promise<void>;

/**
 * A step kind that becomes one step of the resolved scenario and runs. Kinds that hold steps set
 * `Context` to a NestingContext, `Run` to RunSteps and `Visit` to VisitSteps.
 */
export interface StepDefinition<
  Input,
  Body,
  Context extends ResolveContext = ResolveContext,
  Run = unknown,
  Visit = unknown,
> {
  readonly schema: TSchema;
  /** The resolved step (without index and location), or undefined after reporting a problem. */
  resolve(input: Input, ctx: Context): Body | undefined;
  run(ctx: RunContext, step: Body & StepBase, runSteps: Run): Promise<void>;
  /** Variables the step sets for the steps after it (`capture`). */
  captures?(step: Body): readonly string[];
  /** Hands each list of steps the step holds to `visit` (their variables are checked there). */
  children?(step: Body, visit: Visit): void;
}

/** A step kind that is replaced, when resolved, by the steps it expands to (`repeat`). */
export interface ExpansionDefinition<Input, Context extends ResolveContext, Nested> {
  readonly schema: TSchema;
  expand(input: Input, ctx: Context): Nested[keyof Nested][];
}

/** A step kind without nested steps; its input type is read off its schema. */
export function defineStep<Schema extends TSchema, Body>(definition: {
  schema: Schema;
  resolve(input: Static<Schema>, ctx: ResolveContext): Body | undefined;
  run(ctx: RunContext, step: Body & StepBase): Promise<void>;
  captures?(step: Body): readonly string[];
}): StepDefinition<Static<Schema>, Body> {
  return definition;
}
