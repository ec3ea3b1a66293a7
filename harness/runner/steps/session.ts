// `disconnect` (DISCONNECT then an orderly close), `drop` (abrupt close, no DISCONNECT) and `wait`.
import type { DisconnectStep, DropStep, WaitStep } from '../../scenario/types.js';
import { buildProperties } from '../build.js';
import type { RunContext } from '../context.js';
import { interpolate } from '../interpolate.js';
import { sleep } from '../wait.js';

export function runDisconnect(ctx: RunContext, step: DisconnectStep): Promise<void> {
  const client = ctx.client(step.client);
  if (client.isOpen) {
    const properties =
      client.version === '5.0' ? buildProperties(interpolate(step.properties, ctx.vars)) : undefined;
    client.send({
      type: 'disconnect',
      ...(client.version === '5.0' && step.reasonCode !== undefined && { reasonCode: step.reasonCode }),
      ...(properties && { properties }),
    });
    client.end();
  }
  return Promise.resolve();
}

export function runDrop(ctx: RunContext, step: DropStep): Promise<void> {
  ctx.client(step.client).destroy();
  return Promise.resolve();
}

export function runWait(ctx: RunContext, step: WaitStep): Promise<void> {
  return sleep(step.ms, ctx.signal);
}
