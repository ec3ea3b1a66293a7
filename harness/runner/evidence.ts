// Failure evidence: what the failing step allowed and everything the broker sent to the clients
// involved, decoded and in hex, with times since the scenario started.
import { hex, packetToJSON } from '../../wire/index.js';
import type { FailureEvidence, ReceivedPacket } from '../result/index.js';
import type { InboxEvent, ResolvedStep, ScenarioClient, StepFailure } from '../steps/index.js';

export function toReceived(client: string, event: InboxEvent): ReceivedPacket {
  switch (event.kind) {
    case 'packet':
      return {
        atMs: event.atMs,
        client,
        decoded: event.note
          ? { ...(packetToJSON(event.packet) as object), note: event.note }
          : packetToJSON(event.packet),
        hex: hex(event.raw),
        event: 'packet',
      };
    case 'garbage':
      return {
        atMs: event.atMs,
        client,
        hex: hex(event.raw.subarray(0, 4096)),
        decodeError: event.error,
        event: 'error',
      };
    case 'closed':
      return {
        atMs: event.atMs,
        client,
        hex: '',
        event: event.close.kind === 'reset' ? 'reset' : event.close.kind === 'error' ? 'error' : 'closed',
        ...(event.close.error !== undefined && { decodeError: event.close.error }),
      };
  }
}

export function buildEvidence(
  step: ResolvedStep,
  failure: StepFailure,
  clients: ReadonlyMap<string, ScenarioClient>,
  stepStartMs: number,
  nowMs: number,
): FailureEvidence {
  const names =
    failure.details.clients ?? (failure.details.client !== undefined ? [failure.details.client] : []);
  const received = names
    .flatMap((name) => {
      const client = clients.get(name);
      return client ? client.log.map((event) => toReceived(name, event)) : [];
    })
    .sort((a, b) => a.atMs - b.atMs);
  return {
    stepIndex: step.index,
    stepKind: step.kind,
    location: step.location,
    ...(failure.details.client !== undefined && { client: failure.details.client }),
    message: failure.message,
    ...(failure.details.expected !== undefined && { expected: failure.details.expected }),
    received,
    elapsedMs: failure.details.elapsedMs ?? nowMs - stepStartMs,
  };
}
