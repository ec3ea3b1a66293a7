// `auth`: sends an AUTH packet whose Authentication Data the harness computes (SCRAM-SHA-256) or
// takes as written. With `scram`, reason code 0x19 (re-authenticate) sends a new client-first
// message; 0x18 (continue) sends the client-final message answering the server-first challenge of
// the last AUTH this client received, continuing the client-first it sent last (in CONNECT or
// AUTH). Nothing is awaited: later steps check the broker's answer.
import { Type } from '@sinclair/typebox';
import { ReasonCode } from '../../../wire/index.js';
import { defineStep } from '../define.js';
import { StepFailure } from '../runtime/context.js';
import { interpolate } from '../runtime/interpolate.js';
import { scramClientFinal, scramClientFirst } from '../runtime/scram.js';
import { byte, clientName, closed } from '../schema-parts.js';

const AuthSchema = Type.Object(
  {
    client: Type.Optional(clientName),
    reasonCode: Type.Optional(byte),
    method: Type.Optional(Type.String({ description: "Authentication Method, default 'SCRAM-SHA-256'" })),
    scram: Type.Optional(
      Type.Object(
        { username: Type.String(), password: Type.String() },
        { ...closed, description: 'compute the data' },
      ),
    ),
    data: Type.Optional(Type.String({ description: 'Authentication Data as written (instead of scram)' })),
  },
  closed,
);

export const auth = defineStep({
  schema: AuthSchema,
  resolve(input, ctx) {
    if ((input.scram === undefined) === (input.data === undefined)) {
      return ctx.problem([], 'needs exactly one of `scram` and `data`');
    }
    return {
      client: ctx.client(input.client),
      reasonCode: input.reasonCode ?? ReasonCode.ContinueAuthentication,
      method: input.method ?? 'SCRAM-SHA-256',
      ...(input.scram !== undefined && { scram: input.scram }),
      ...(input.data !== undefined && { data: input.data }),
    };
  },
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    const fields = interpolate({ data: step.data, scram: step.scram }, ctx.vars);
    let data: string;
    if (fields.data !== undefined) data = fields.data;
    else if (fields.scram === undefined) throw new StepFailure('auth: neither scram nor data');
    else if (step.reasonCode === ReasonCode.ReAuthenticate) data = scramClientFirst(fields.scram.username);
    else {
      const sent = client.sentAuthenticationData?.toString('utf8');
      const received = client.log.findLast((e) => e.kind === 'packet' && e.packet.type === 'auth');
      const challenge =
        received?.kind === 'packet' && received.packet.type === 'auth'
          ? received.packet.properties?.authenticationData?.toString('utf8')
          : undefined;
      if (sent === undefined || challenge === undefined) {
        throw new StepFailure(
          `auth: client '${step.client}' has ${sent === undefined ? 'sent no client-first message' : 'received no AUTH challenge'} to answer`,
          { clients: [step.client] },
        );
      }
      try {
        data = scramClientFinal(sent, challenge, fields.scram.password).message;
      } catch (error) {
        throw new StepFailure(`auth: ${(error as Error).message}`, { clients: [step.client] });
      }
    }
    client.send({
      type: 'auth',
      reasonCode: step.reasonCode,
      properties: { authenticationMethod: step.method, authenticationData: Buffer.from(data) },
    });
  },
});
