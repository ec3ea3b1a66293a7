// Keeps the per-step packet transcript of one scenario instance (RunOptions `transcripts`, used by
// `harness diff`). Each event belongs to one step: the step that consumed it (an `expect` that matched
// it), else the step that was running on that client when it was sent or arrived. Steps of several
// clients may run at once (`parallel`): the step acting on the event's client wins, the latest first.
import { createHash } from 'node:crypto';
import { checkMqttUtf8, hex, type Packet } from '../../wire/index.js';
import {
  TRANSCRIPT_VERSION,
  type Transcript,
  type TranscriptBytes,
  type TranscriptEvent,
  type TranscriptStep,
} from '../result/index.js';
import type { ClientObserver, InboxEvent, ResolvedStep, ScenarioClient } from '../steps/index.js';

/** Events kept per instance; a scenario that sends more is a load, not a conversation. */
const MAX_EVENTS = 5000;
/** Binary fields up to this size are kept as hex, larger ones by size and digest. */
const MAX_INLINE_BYTES = 256;
const MAX_HEX_BYTES = 4096;

interface RunningStep {
  index: number;
  clients: readonly string[];
  startMs: number;
  order: number;
}

export class TranscriptRecorder implements ClientObserver {
  private readonly steps: TranscriptStep[] = [];
  private readonly events: TranscriptEvent[] = [];
  private readonly byInboxEvent = new WeakMap<InboxEvent, TranscriptEvent>();
  private readonly running: RunningStep[] = [];
  private readonly started = new Map<number, RunningStep>();
  private order = 0;
  private seq = 0;
  private truncated = false;

  constructor(private readonly clock: () => number) {}

  stepStarted(step: ResolvedStep, startMs: number): void {
    const running: RunningStep = {
      index: step.index,
      clients: clientsOf(step),
      startMs,
      order: this.order++,
    };
    this.running.push(running);
    this.started.set(step.index, running);
    if (!this.steps.some((known) => known.index === step.index)) {
      this.steps.push({
        index: step.index,
        kind: step.kind,
        location: step.location,
        clients: [...running.clients],
      });
    }
  }

  stepEnded(step: ResolvedStep): void {
    const at = this.running.findIndex((running) => running.index === step.index);
    if (at >= 0) this.running.splice(at, 1);
  }

  sent(client: ScenarioClient, bytes: Buffer, packet: Packet | undefined): void {
    const atMs = this.clock();
    const step = this.stepFor(client.name);
    this.add({
      seq: this.seq++,
      atMs,
      client: client.name,
      direction: 'sent',
      ...(packet === undefined
        ? { kind: 'raw', hex: hex(bytes.subarray(0, MAX_HEX_BYTES)) }
        : { kind: 'packet', type: packet.type, packet: plain(packet) }),
      step: step?.index ?? -1,
      sinceStepMs: since(atMs, step),
    });
  }

  received(client: ScenarioClient, event: InboxEvent): void {
    const step = this.stepFor(client.name);
    const base = {
      seq: this.seq++,
      atMs: event.atMs,
      client: client.name,
      direction: 'received' as const,
      step: step?.index ?? -1,
      sinceStepMs: since(event.atMs, step),
    };
    let entry: TranscriptEvent;
    switch (event.kind) {
      case 'packet':
        entry = { ...base, kind: 'packet', type: event.packet.type, packet: plain(event.packet) };
        break;
      case 'garbage':
        entry = {
          ...base,
          kind: 'garbage',
          hex: hex(event.raw.subarray(0, MAX_HEX_BYTES)),
          error: event.error,
        };
        break;
      case 'closed':
        entry = { ...base, kind: 'closed', close: event.close.kind === 'local' ? 'fin' : event.close.kind };
        break;
    }
    if (this.add(entry)) this.byInboxEvent.set(event, entry);
  }

  consumed(client: ScenarioClient, event: InboxEvent): void {
    const entry = this.byInboxEvent.get(event);
    const step = this.stepFor(client.name);
    if (entry !== undefined && step !== undefined) entry.step = step.index;
  }

  /** The transcript, with the run's variable values to normalise (prefix, client ids). */
  toJSON(variables: Readonly<Record<string, string | number>>): Transcript {
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(variables)) {
      if (typeof value === 'string' && value !== '') values[name] = value;
    }
    return {
      version: TRANSCRIPT_VERSION,
      variables: values,
      steps: [...this.steps].sort((a, b) => a.index - b.index),
      events: this.events,
      ...(this.truncated && { truncated: true }),
    };
  }

  private add(event: TranscriptEvent): boolean {
    if (this.events.length >= MAX_EVENTS) {
      this.truncated = true;
      return false;
    }
    this.events.push(event);
    return true;
  }

  /** The running step acting on `client` (latest first), else the latest running one, else the latest started. */
  private stepFor(client: string): RunningStep | undefined {
    const latest = (list: readonly RunningStep[]): RunningStep | undefined =>
      list.reduce<RunningStep | undefined>(
        (best, s) => (best === undefined || s.order > best.order ? s : best),
        undefined,
      );
    return (
      latest(this.running.filter((s) => s.clients.includes(client))) ??
      latest(this.running.filter((s) => s.clients.length > 0)) ??
      latest([...this.started.values()].filter((s) => s.clients.includes(client))) ??
      latest([...this.started.values()])
    );
  }
}

function since(atMs: number, step: RunningStep | undefined): number {
  return Math.round((atMs - (step?.startMs ?? 0)) * 10) / 10;
}

/** The clients a step acts on: `client`, `clients`, or its items' clients (expectAll). */
function clientsOf(step: ResolvedStep): string[] {
  const fields = new Map<string, unknown>(Object.entries(step));
  const names = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') names.add(value);
  };
  add(fields.get('client'));
  const clients = fields.get('clients');
  if (Array.isArray(clients)) clients.forEach(add);
  const items = fields.get('items');
  if (Array.isArray(items)) {
    for (const item of items as unknown[]) {
      if (item !== null && typeof item === 'object') add(new Map(Object.entries(item)).get('client'));
    }
  }
  return [...names];
}

/** A packet as plain JSON: binary fields as TranscriptBytes, undefined fields left out. */
function plain(packet: Packet): Record<string, unknown> {
  return convert(packet) as Record<string, unknown>;
}

function convert(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return bytesOf(value);
  if (Array.isArray(value)) return value.map(convert);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) if (field !== undefined) out[key] = convert(field);
    return out;
  }
  return value;
}

function bytesOf(buffer: Buffer): TranscriptBytes {
  if (buffer.length > MAX_INLINE_BYTES) {
    return { size: buffer.length, sha256: createHash('sha256').update(buffer).digest('hex') };
  }
  const text = checkMqttUtf8(buffer, 0, buffer.length) === undefined ? buffer.toString('utf8') : undefined;
  return { hex: buffer.toString('hex'), ...(text !== undefined && { utf8: text }) };
}
