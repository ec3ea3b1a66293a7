// A recording → one scenario. Each recorded connection becomes a scenario client; in the order the
// proxy saw them, what a client sent becomes `send` steps (`raw` for bytes that did not decode,
// `disconnect` / `drop` for how it ended) and what the broker sent becomes `expect` steps (unordered:
// a broker may interleave its packets differently), `expectClosed` when it closed the connection.
// Values the broker chose are captured (packet ids, assigned client ids, topic aliases); messages
// no recorded client published (from clients outside the filter, `$SYS`, retained before the
// recording) are left out with a note; `wait` steps only where order between clients needs one.
import { hex, type ConnackPacket, type Packet, type PublishPacket } from '../../../wire/index.js';
import type { RecordedConnection, RecordedEvent, Recording } from '../model.js';
import { publishPattern, replyPattern, sendPacket, type PacketContext } from './packets.js';
import { asMap, StepWriter, type ActionNeeds, type ExpectMeta, type GeneratedStep } from './phases.js';
import { SyncTracker, type Action } from './sync.js';
import { prefixed, type Data, type DataMap } from './values.js';
import { GenerationState, type ClientState } from './state.js';

export interface GenerateOptions {
  /** Scenario name (kebab-case). */
  name: string;
  description?: string;
  redact?: { payloads?: boolean; credentials?: boolean };
  /** Only connections whose client id matches one of these (`*` matches any run of characters). */
  clientIds?: readonly string[];
}

export interface GeneratedScenario {
  /** The scenario without its steps (name, description, mqtt, tags, timeout, clients). */
  head: DataMap;
  steps: GeneratedStep[];
  /** Steps in all, those inside `parallel` included. */
  stepCount: number;
  /** Lines for the comment at the top of the file. */
  header: string[];
}

export function generateScenario(recording: Recording, options: GenerateOptions): GeneratedScenario {
  const kept = recording.connections.filter((connection) =>
    included(connection, recording, options.clientIds),
  );
  const state = new GenerationState(recording, kept);
  const generator = new Generator(state, options);
  for (const event of state.events) generator.event(event);
  return generator.finish(recording, kept);
}

function included(
  connection: RecordedConnection,
  recording: Recording,
  patterns: readonly string[] | undefined,
): boolean {
  if (!recording.events.some((event) => event.connection === connection.id && event.from === 'client'))
    return false;
  if (patterns === undefined || patterns.length === 0) return true;
  const id = connection.clientId;
  return id !== undefined && patterns.some((pattern) => globMatches(pattern, id));
}

function globMatches(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 's').test(text);
}

class Generator {
  private readonly writer = new StepWriter();
  private readonly sync = new SyncTracker();
  private omitted = 0;

  constructor(
    private readonly state: GenerationState,
    private readonly options: GenerateOptions,
  ) {}

  event(event: RecordedEvent): void {
    const client = this.state.client(event.connection);
    if (event.from === 'client') this.fromClient(client, event);
    else this.fromBroker(client, event);
  }

  private fromClient(client: ClientState, event: RecordedEvent): void {
    switch (event.kind) {
      case 'end':
        if (client.brokerEnded || client.disconnected) return;
        client.clientEnded = true;
        this.act(client, event, { drop: { client: client.name } }, client.ending(client.will), FINAL);
        return;
      case 'malformed':
        this.note(client, `${client.name} sent bytes that do not decode (${event.error}): sent as recorded`);
        this.act(
          client,
          event,
          { raw: { client: client.name, hex: hex(event.raw) } },
          { kind: 'other' },
          FINAL,
        );
        return;
      case 'packet':
        this.clientPacket(client, event.packet, event);
    }
  }

  private clientPacket(client: ClientState, packet: Packet, event: RecordedEvent): void {
    if (client.acknowledgesOmitted(packet)) return;
    // With autoAck the scenario client acknowledges what the broker delivers by itself.
    if (client.autoAck && this.isDeliveryAck(client, packet)) return;
    if (packet.type === 'disconnect' && this.state.next(event)?.kind === 'end') {
      client.disconnected = true;
      const data = sendPacket(packet, this.context(client));
      const { type: _type, ...fields } = data;
      // A normal DISCONNECT discards the will [MQTT-3.1.2-10].
      const step = { disconnect: { client: client.name, ...fields } };
      this.act(client, event, step, client.ending(undefined), FINAL);
      return;
    }
    const action = actionOf(client, packet);
    const step = { send: { client: client.name, packet: sendPacket(packet, this.context(client)) } };
    const replies = packet.type === 'pubrel' ? [`pubrec:${packet.packetId}`] : [];
    const filters = action.kind === 'subscribe' ? action.filters : [];
    // A DISCONNECT ends the connection even when the recording stopped before the close.
    const final = packet.type === 'disconnect';
    this.act(client, event, step, action, { variables: variablesIn(step), replies, final, filters });
  }

  private isDeliveryAck(client: ClientState, packet: Packet): boolean {
    if (packet.type !== 'puback' && packet.type !== 'pubrec' && packet.type !== 'pubcomp') return false;
    return this.state.knownBrokerPacketId(client, packet.packetId) !== undefined;
  }

  private fromBroker(client: ClientState, event: RecordedEvent): void {
    switch (event.kind) {
      case 'end': {
        if (client.clientEnded || client.disconnected || client.brokerEnded) return;
        client.brokerEnded = true;
        const codes = client.brokerDisconnect;
        this.writer.closed(client.name, {
          expectClosed: {
            client: client.name,
            ...(codes !== undefined && { disconnectReasonCodes: [codes] }),
          },
        });
        this.sync.answered(client.name);
        return;
      }
      case 'malformed':
        this.note(
          client,
          `the broker sent ${client.name} bytes that do not decode (${event.error}): not checked`,
        );
        return;
      case 'packet':
        this.brokerPacket(client, event.packet, event);
    }
  }

  private brokerPacket(client: ClientState, packet: Packet, event: RecordedEvent): void {
    if (packet.type === 'disconnect' && this.state.next(event)?.kind === 'end') {
      client.brokerDisconnect = packet.reasonCode ?? 0; // checked by the expectClosed that follows
      return;
    }
    if (packet.type === 'publish') {
      this.brokerPublish(client, packet, event);
      return;
    }
    if (packet.type === 'pubrel' && client.isOmitted(packet.packetId)) return;
    const body: DataMap =
      packet.type === 'connack'
        ? this.connack(client, packet)
        : { packet: replyPattern(packet, this.context(client)) };
    const meta: ExpectMeta = {
      captures: capturesIn(body),
      ...(packet.type === 'connack' && { connack: true }),
      ...('packetId' in packet && { answers: `${packet.type}:${packet.packetId}` }),
    };
    this.expect(client, event, { expect: { client: client.name, ...body, unordered: true } }, meta);
    this.sync.answered(client.name);
  }

  private connack(client: ClientState, packet: ConnackPacket): DataMap {
    const assigned = packet.properties?.assignedClientIdentifier;
    const pattern: DataMap = {
      type: 'connack',
      reasonCode: packet.reasonCode,
      // A client id used for the first time in the recording is new on a fresh replay as well.
      sessionPresent: client.firstOfItsId ? false : packet.sessionPresent,
      ...(assigned !== undefined && { properties: { assignedClientIdentifier: { present: true } } }),
    };
    if (assigned === undefined) return { packet: pattern };
    return { packet: pattern, capture: { assignedClientIdentifier: this.state.assign(assigned) } };
  }

  private brokerPublish(client: ClientState, packet: PublishPacket, event: RecordedEvent): void {
    const topic = client.receivedTopic(packet);
    if (!this.state.wasPublished(topic, packet.payload, event.atMs)) {
      this.omitted++;
      if (packet.packetId !== undefined) client.omit(packet.packetId);
      this.note(
        client,
        `${client.name} received a message on '${topic}' that no recorded client published: not replayed`,
      );
      return;
    }
    const ctx = this.context(client);
    const capture: Record<string, Data> = {};
    if (packet.packetId !== undefined)
      capture['packetId'] = this.state.brokerPacketId(client, packet.packetId);
    const full = publishPattern(packet, prefixed(topic), ctx);
    let body: DataMap = { packet: full };
    if (client.aliasesAllowed) {
      // Whether a broker sends the topic or an alias it set up earlier is its choice [MQTT-3.3.2-12]:
      // the first message on a topic may set one up, later ones may use it.
      const { variable, known } = client.aliasVariable(topic, () => this.state.nextVariable('alias'));
      capture['topicAlias'] = variable;
      if (known) {
        const viaAlias: DataMap = { ...full, topic: '' };
        viaAlias['properties'] = { ...asMap(full['properties']), topicAlias: `\${${variable}}` };
        body = { oneOf: [{ packet: full }, { packet: viaAlias }] };
      }
    }
    const captured = Object.keys(capture).length > 0 ? { capture } : {};
    const step = { expect: { client: client.name, ...body, unordered: true, ...captured } };
    this.expect(client, event, step, { captures: capturesIn(captured), topic });
    this.sync.delivered(topic);
  }

  private context(client: ClientState): PacketContext {
    return {
      ids: this.state.ids,
      redactPayloads: this.options.redact?.payloads === true,
      redactCredentials: this.options.redact?.credentials === true,
      brokerPacketId: (packetId) => this.state.knownBrokerPacketId(client, packetId),
    };
  }

  /** A client's action, after the barrier (and wait) its dependencies on other clients ask for. */
  private act(
    client: ClientState,
    event: RecordedEvent,
    step: DataMap,
    action: Action,
    needs: ActionNeeds,
  ): void {
    const ordering = this.sync.before(client.name, action, event.atMs);
    this.writer.action(client.name, event.atMs, step, ordering, needs);
    this.sync.acted(client.name, action, event.atMs);
  }

  private expect(client: ClientState, event: RecordedEvent, step: DataMap, meta: ExpectMeta): void {
    this.writer.expect(client.name, event.atMs, step, meta);
  }

  private note(client: ClientState, text: string): void {
    this.writer.note(client.name, text);
  }

  finish(recording: Recording, kept: readonly RecordedConnection[]): GeneratedScenario {
    const { steps, leftoverNotes } = this.writer.finish();
    const versions = this.state.clients().map((client) => client.version);
    const mqtt = mostCommon(versions) ?? '3.1.1';
    const clients: DataMap = {};
    for (const client of this.state.clients()) {
      clients[client.name] = {
        ...(client.version !== mqtt && { version: client.version }),
        ...(client.autoAck && { autoAck: true }),
      };
    }
    const timeout = 30_000 + this.writer.waitedMs + this.writer.extraTimeoutMs + 100 * this.writer.count;
    const packets = recording.events.filter((event) => event.kind === 'packet').length;
    const head: DataMap = {
      name: this.options.name,
      description:
        this.options.description ??
        `Recorded from ${recording.upstream} on ${recording.startedAt.toISOString()}: ${kept.length} connection(s), ${packets} packet(s).`,
      mqtt,
      tags: ['recorded'],
      timeout,
      clients,
    };
    const redacted = [
      ...(this.options.redact?.payloads === true
        ? ['payloads (replaced by generated bytes of the same size)']
        : []),
      ...(this.options.redact?.credentials === true ? ['credentials (the target URL supplies them)'] : []),
    ];
    const header = [
      `Recorded by 'harness record' from ${recording.upstream} (${Math.round(recording.durationMs / 100) / 10} s).`,
      `${kept.length} of ${recording.connections.length} connection(s) kept${this.options.clientIds?.length ? ` (client ids ${this.options.clientIds.join(', ')})` : ''}; topics under \${prefix}.`,
      ...(redacted.length > 0 ? [`Redacted: ${redacted.join('; ')}.`] : []),
      ...(this.omitted > 0 ? [`${this.omitted} message(s) no recorded client published were left out.`] : []),
      ...leftoverNotes,
    ];
    return { head, steps, stepCount: this.writer.count, header };
  }
}

/** The connection ends (or may end) with the step: everything expected before it comes first. */
const FINAL: ActionNeeds = { variables: [], replies: [], final: true };

/** The `${name}` variables a step uses. */
function variablesIn(step: DataMap): string[] {
  return [...JSON.stringify(step).matchAll(/\$\{([A-Za-z][A-Za-z0-9_]*)\}/g)].map((match) => match[1] ?? '');
}

/** The variables a `capture` in `body` sets. */
function capturesIn(body: DataMap): string[] {
  const capture = asMap(body['capture']);
  return Object.values(capture).filter((name): name is string => typeof name === 'string');
}

/** What a client's packet means for other clients' later actions (see sync.ts). */
function actionOf(client: ClientState, packet: Packet): Action {
  switch (packet.type) {
    case 'connect':
      if (packet.will !== undefined) client.will = { topic: packet.will.topic, retain: packet.will.retain };
      client.aliasesAllowed = (packet.properties?.topicAliasMaximum ?? 0) > 0;
      return { kind: 'connect', clientId: packet.clientId, ...(client.will && { will: client.will }) };
    case 'publish':
      return { kind: 'publish', topic: client.publishedTopic(packet), retain: packet.retain };
    case 'subscribe':
      return { kind: 'subscribe', filters: packet.subscriptions.map((s) => s.topicFilter) };
    case 'unsubscribe':
      return { kind: 'subscribe', filters: packet.topicFilters };
    case 'connack':
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
    case 'suback':
    case 'unsuback':
    case 'pingreq':
    case 'pingresp':
    case 'disconnect':
    case 'auth':
      return { kind: 'other' };
  }
}

function mostCommon<T extends string>(values: readonly T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}
