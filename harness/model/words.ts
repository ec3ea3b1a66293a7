// Fixed values the generated sessions use, and how the model names a delivery in its messages:
// shared by the model (model.ts, deliver.ts) and the explorer without an import cycle between them.
import type { ClientName } from './session.js';
import type { Delivery } from './types.js';

export const USER_PROPERTIES: readonly (readonly [string, string])[] = [
  ['k', 'v1'],
  ['k', 'v2'],
];

/** The will payload of the connect action at `index`. */
export function willPayload(client: ClientName, index: number): string {
  return `will-${client}${index}`;
}

export function describe(d: Delivery): string {
  const what = d.kind === 'will' ? 'will' : d.kind === 'retained' ? 'retained message' : 'message';
  return `${what} '${d.message.payload}' on ${d.message.topic}`;
}
