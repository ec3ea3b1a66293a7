// `expect` (and the CONNACK wait of connect): the next unconsumed event on a client must match one
// of the alternatives; a packet that does not match fails the step unless skipUnmatched is set.
import type { Alternative, Capture } from '../../scenario/types.js';
import type { InboxEvent, ScenarioClient } from '../client.js';
import { describeEvent } from '../client.js';
import { StepFailure, type RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { matchPacket } from '../match.js';
import { waitFor } from '../wait.js';

/** undefined when `event` satisfies `alternative`, else why not. */
export function mismatch(alternative: Alternative, event: InboxEvent): string | undefined {
  if ('closed' in alternative)
    return event.kind === 'closed'
      ? undefined
      : `expected the connection to close, got ${describeEvent(event)}`;
  if (event.kind !== 'packet')
    return `expected ${(alternative.packet['type'] as string).toUpperCase()}, got ${describeEvent(event)}`;
  return matchPacket(alternative.packet, event.packet);
}

export function describeAlternative(alternative: Alternative): unknown {
  return 'closed' in alternative ? { closed: true } : { packet: alternative.packet };
}

export async function expectOne(
  ctx: RunContext,
  client: ScenarioClient,
  given: readonly Alternative[],
  timeoutMs: number,
  skipUnmatched: boolean,
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
        if (skipUnmatched && event.kind === 'packet') {
          client.consume(event);
          continue;
        }
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

/** Keep the fields a step's `capture` names from the packet it matched, for later steps. */
export function captureFields(
  ctx: RunContext,
  clientName: string,
  capture: Capture | undefined,
  event: InboxEvent,
): void {
  if (capture === undefined) return;
  for (const [field, name] of Object.entries(capture)) {
    if (name === undefined) continue;
    const value =
      event.kind === 'packet' ? (event.packet as unknown as Record<string, unknown>)[field] : undefined;
    if (typeof value !== 'number' && typeof value !== 'string') {
      throw new StepFailure(`cannot capture ${field}: the matched ${describeEvent(event)} has none`, {
        client: clientName,
      });
    }
    ctx.vars[name] = value;
  }
}
