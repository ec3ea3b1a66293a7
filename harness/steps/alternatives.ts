// Expectations: the allowed outcomes of `expect`, `expectAll` and the CONNACK wait of `connect`.
// Resolving checks each outcome names exactly one of packet / closed; running waits for the next
// event of a client and matches it against the outcomes.
import { Type } from '@sinclair/typebox';
import type { Packet, Properties } from '../../wire/index.js';
import type { DataObject } from './data.js';
import type { ResolveContext } from './define.js';
import type { PathSegment } from '../validation/index.js';
import { describeEvent, type InboxEvent, type ScenarioClient } from './runtime/client.js';
import { StepFailure, type RunContext } from './runtime/context.js';
import { interpolate } from './runtime/interpolate.js';
import { matchPacket } from './runtime/match.js';
import { waitFor } from './runtime/wait.js';
import { closed, packetPattern } from './schema-parts.js';

/** One allowed outcome of an expectation. */
export type Alternative = { readonly packet: DataObject } | { readonly closed: true };

/** Packet field → variable name: the matched packet's value is kept for later steps. */
export type Capture = Readonly<Partial<Record<CaptureField, string>>>;

/** Where each capturable field is read, and whether the packet must have it. */
const CAPTURE_FIELDS = {
  packetId: {
    read: (packet: Packet) => ('packetId' in packet ? packet.packetId : undefined),
    required: true,
  },
  assignedClientIdentifier: {
    read: (packet: Packet) => propertiesOf(packet)?.assignedClientIdentifier,
    required: false,
  },
  topicAlias: { read: (packet: Packet) => propertiesOf(packet)?.topicAlias, required: false },
} as const;
type CaptureField = keyof typeof CAPTURE_FIELDS;

function propertiesOf(packet: Packet): Properties | undefined {
  return 'properties' in packet ? packet.properties : undefined;
}

function isCaptureField(field: string): field is CaptureField {
  return Object.hasOwn(CAPTURE_FIELDS, field);
}

/** An outcome as written: exactly one of `packet` / `closed` (checked when resolving). */
export const AlternativeSchema = Type.Object(
  {
    packet: Type.Optional(packetPattern),
    closed: Type.Optional(Type.Literal(true)),
  },
  { ...closed, description: 'exactly one of packet / closed' },
);

export interface AlternativeInput {
  packet?: DataObject;
  closed?: true;
}

/** The outcomes of a list as written; reports each entry that does not name exactly one. */
export function alternativesOf(
  list: readonly AlternativeInput[],
  sub: readonly PathSegment[],
  ctx: ResolveContext,
): Alternative[] | undefined {
  const out: Alternative[] = [];
  let ok = true;
  list.forEach((item, i) => {
    const alternative = alternativeOf(item);
    if (alternative === undefined) {
      const indexed = list.length > 1 || sub[sub.length - 1] === 'oneOf';
      ctx.problem([...sub, ...(indexed ? [i] : [])], 'needs exactly one of packet, closed');
      ok = false;
    } else out.push(alternative);
  });
  return ok ? out : undefined;
}

function alternativeOf(item: AlternativeInput): Alternative | undefined {
  if (item.packet !== undefined && item.closed === undefined) return { packet: item.packet };
  if (item.closed !== undefined && item.packet === undefined) return { closed: true };
  return undefined;
}

/** undefined when `event` satisfies `alternative`, else why not. */
export function mismatch(alternative: Alternative, event: InboxEvent): string | undefined {
  if ('closed' in alternative)
    return event.kind === 'closed'
      ? undefined
      : `expected the connection to close, got ${describeEvent(event)}`;
  if (event.kind !== 'packet') {
    const type = alternative.packet['type'];
    return `expected ${typeof type === 'string' ? type.toUpperCase() : 'a packet'}, got ${describeEvent(event)}`;
  }
  return matchPacket(alternative.packet, event.packet);
}

export function describeAlternative(alternative: Alternative): Alternative {
  return 'closed' in alternative ? { closed: true } : { packet: alternative.packet };
}

/**
 * What to do with a received event that matches none of the alternatives: fail the step (`strict`),
 * discard it (`skip`), or leave it in the inbox for later steps and look further (`unordered`).
 */
export type UnmatchedPolicy = 'strict' | 'skip' | 'unordered';

/** Waits for the next event of `client` that matches one of `given`; others are handled by `unmatched`. */
export async function expectOne(
  ctx: RunContext,
  client: ScenarioClient,
  given: readonly Alternative[],
  timeoutMs: number,
  unmatched: UnmatchedPolicy,
): Promise<InboxEvent> {
  const alternatives = interpolate(given, ctx.vars);
  const started = ctx.clock();
  const result = await waitFor(
    [client],
    () => {
      for (const event of [...client.pending()]) {
        const reasons = alternatives.map((alternative) => mismatch(alternative, event));
        if (reasons.some((reason) => reason === undefined)) {
          client.consume(event);
          return event;
        }
        if (unmatched === 'skip' && event.kind === 'packet') {
          client.consume(event);
          continue;
        }
        // Nothing can follow a close or bytes that cannot be framed: waiting further is pointless.
        if (unmatched === 'unordered' && event.kind === 'packet') continue;
        throw new StepFailure(`unexpected ${describeEvent(event)}: ${reasons.filter(Boolean).join('; ')}`, {
          client: client.name,
          expected: alternatives.map(describeAlternative),
          elapsedMs: ctx.clock() - started,
        });
      }
      return undefined;
    },
    timeoutMs,
    ctx.signal,
  );
  if (result === 'timeout') {
    throw new StepFailure(`nothing matching arrived within ${timeoutMs} ms`, {
      client: client.name,
      expected: alternatives.map(describeAlternative),
      elapsedMs: ctx.clock() - started,
    });
  }
  return result;
}

/** Keeps the fields a step's `capture` names from the packet it matched, for later steps. */
export function captureFields(
  ctx: RunContext,
  clientName: string,
  capture: Capture | undefined,
  event: InboxEvent,
): void {
  if (capture === undefined) return;
  for (const [field, name] of Object.entries(capture)) {
    if (name === undefined || !isCaptureField(field)) continue;
    const { read, required } = CAPTURE_FIELDS[field];
    const value = event.kind === 'packet' ? read(event.packet) : undefined;
    if (typeof value === 'number' || typeof value === 'string') {
      ctx.vars[name] = value;
      continue;
    }
    if (required || event.kind !== 'packet') {
      throw new StepFailure(`cannot capture ${field}: the matched ${describeEvent(event)} has none`, {
        client: clientName,
      });
    }
  }
}

/** The variables a `capture` sets. */
export function capturedNames(capture: Capture | undefined): string[] {
  return Object.values(capture ?? {}).filter((name): name is string => name !== undefined);
}
