// `websocket`: control below MQTT on a WebSocket connection. `subprotocol` checks what the server
// chose in the handshake; `packets` are encoded back to back and sent in one binary frame, or cut
// into several at the byte offsets of `split` (separate binary messages, or with `fragments` the
// continuation frames of one message); `text` sends a text frame. Nothing is awaited.
import { Type } from '@sinclair/typebox';
import { defineStep } from '../define.js';
import { buildPacket } from '../runtime/build.js';
import { StepFailure } from '../runtime/context.js';
import { interpolate } from '../runtime/interpolate.js';
import { clientName, closed, sendPacket } from '../schema-parts.js';

const WebSocketSchema = Type.Object(
  {
    client: Type.Optional(clientName),
    subprotocol: Type.Optional(
      Type.String({ description: 'the subprotocol the handshake must have chosen' }),
    ),
    packets: Type.Optional(Type.Array(sendPacket, { minItems: 1 })),
    split: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), {
        minItems: 1,
        description: 'a new frame starts at each offset',
      }),
    ),
    fragments: Type.Optional(Type.Boolean({ description: 'split frames are fragments of one message' })),
    text: Type.Optional(Type.String({ description: 'send a text frame with this text' })),
  },
  closed,
);

export const websocket = defineStep({
  schema: WebSocketSchema,
  resolve(input, ctx) {
    if (input.subprotocol === undefined && input.packets === undefined && input.text === undefined) {
      return ctx.problem([], 'needs subprotocol, packets or text');
    }
    if (input.split !== undefined && input.packets === undefined) {
      return ctx.problem(['split'], 'splits `packets`, which are missing');
    }
    return {
      client: ctx.client(input.client),
      ...(input.subprotocol !== undefined && { subprotocol: input.subprotocol }),
      ...(input.packets !== undefined && { packets: input.packets }),
      split: [...(input.split ?? [])].sort((a, b) => a - b),
      fragments: input.fragments ?? false,
      ...(input.text !== undefined && { text: input.text }),
    };
  },
  async run(ctx, step) {
    const client = ctx.client(step.client);
    await ctx.ensureOpen(client);
    const control = client.websocket;
    if (control === undefined) {
      throw new StepFailure(`websocket: client '${step.client}' is not connected over WebSocket`, {
        clients: [step.client],
      });
    }
    if (step.subprotocol !== undefined && control.protocol !== step.subprotocol) {
      throw new StepFailure(
        `the server chose the WebSocket subprotocol '${control.protocol}', expected '${step.subprotocol}'`,
        { clients: [step.client] },
      );
    }
    if (step.packets !== undefined) {
      const bytes = Buffer.concat(
        step.packets.map((packet) =>
          client.encode(buildPacket(interpolate(packet, ctx.vars), client, ctx.credentials)),
        ),
      );
      const cuts = [0, ...step.split.filter((at) => at < bytes.length), bytes.length];
      for (let i = 0; i + 1 < cuts.length; i += 1) {
        const last = i + 2 === cuts.length;
        control.sendFrame(bytes.subarray(cuts[i], cuts[i + 1]), { fin: !step.fragments || last });
      }
    }
    if (step.text !== undefined) control.sendFrame(Buffer.from(step.text), { text: true });
  },
});
