// `expect`: the next unconsumed event on a client must match the packet pattern, the close, or one
// of several alternatives; a packet that does not match fails the step unless skipUnmatched is set.
import { Type } from '@sinclair/typebox';
import {
  alternativesOf,
  AlternativeSchema,
  capturedNames,
  captureFields,
  expectOne,
  type Alternative,
  type UnmatchedPolicy,
} from '../alternatives.js';
import { defineStep } from '../define.js';
import { Capture, clientName, closed, ms, packetPattern } from '../schema-parts.js';

export const expect = defineStep({
  schema: Type.Object(
    {
      client: Type.Optional(clientName),
      packet: Type.Optional(packetPattern),
      closed: Type.Optional(Type.Literal(true)),
      oneOf: Type.Optional(Type.Array(AlternativeSchema, { minItems: 1 })),
      timeout: Type.Optional(ms('how long to wait')),
      skipUnmatched: Type.Optional(Type.Boolean()),
      unordered: Type.Optional(
        Type.Boolean({
          description:
            'match the first pending packet that fits; packets before it stay in the inbox for later steps',
        }),
      ),
      capture: Type.Optional(Capture),
    },
    { ...closed, description: 'exactly one of packet / closed / oneOf' },
  ),
  resolve(input, ctx) {
    const { client, timeout, skipUnmatched, unordered, packet, closed, oneOf, capture } = input;
    const given = [packet, closed, oneOf].filter((v) => v !== undefined).length;
    if (given !== 1) return ctx.problem([], 'expect needs exactly one of packet, closed, oneOf');
    if (skipUnmatched === true && unordered === true)
      return ctx.problem([], 'skipUnmatched and unordered exclude each other');
    let alternatives: Alternative[] | undefined;
    if (oneOf !== undefined) alternatives = alternativesOf(oneOf, ['oneOf'], ctx);
    else if (packet !== undefined) alternatives = [{ packet }];
    else alternatives = [{ closed: true }];
    if (!alternatives) return undefined;
    return {
      client: ctx.client(client),
      alternatives,
      ...(timeout !== undefined && { timeout }),
      unmatched: policyOf(skipUnmatched, unordered),
      ...(capture !== undefined && { capture }),
    };
  },
  async run(ctx, step) {
    const client = ctx.client(step.client);
    const timeoutMs = step.timeout ?? ctx.stepTimeout;
    const event = await expectOne(ctx, client, step.alternatives, timeoutMs, step.unmatched);
    captureFields(ctx, step.client, step.capture, event);
  },
  captures: (step) => capturedNames(step.capture),
});

function policyOf(skipUnmatched: boolean | undefined, unordered: boolean | undefined): UnmatchedPolicy {
  if (skipUnmatched === true) return 'skip';
  return unordered === true ? 'unordered' : 'strict';
}
