// What generating a scenario from a recording keeps track of: the scenario client of each
// connection, the variables of values the broker chose (packet ids per session, assigned client
// ids, topic aliases per connection), the messages recorded clients published, and the next event
// of each connection (to see a DISCONNECT followed by the close).
import type { Packet, PublishPacket } from '../../../wire/index.js';
import type { RecordedConnection, RecordedEvent, Recording } from '../model.js';
import type { Action } from './sync.js';
import { clientName, type IdNames } from './values.js';

interface Published {
  topic: string;
  payload: Buffer;
  atMs: number;
}

export class ClientState {
  clientEnded = false;
  brokerEnded = false;
  /** The client sent DISCONNECT and then closed: written as one `disconnect` step. */
  disconnected = false;
  /** The broker sent DISCONNECT with this reason code and then closed. */
  brokerDisconnect: number | undefined;
  /** The will of the connection's CONNECT. */
  will: { topic: string; retain: boolean } | undefined;
  private readonly clientAliases = new Map<number, string>();
  private readonly serverAliases = new Map<number, string>();
  /** Topic → the variable capturing the alias a broker may give it (clients that allow aliases). */
  private readonly aliasVariables = new Map<string, string>();
  /** The client's CONNECT allowed the broker topic aliases (Topic Alias Maximum > 0). */
  aliasesAllowed = false;
  /** The client acknowledged every message delivered to it in the usual way: the scenario client does it itself. */
  autoAck = false;
  /** Packet ids of messages left out: the client's acknowledgements of them are left out too. */
  private readonly omitted = new Set<number>();

  constructor(
    readonly name: string,
    readonly connection: RecordedConnection,
    readonly version: '3.1.1' | '5.0',
    /** No earlier connection of the recording used this client id. */
    readonly firstOfItsId: boolean,
    /** Broker-chosen packet ids belong to the session: connections of one client id share them. */
    readonly session: string,
  ) {}

  /** The end of this connection, for the wait rules (with the will that falls due, if any). */
  ending(will: { topic: string; retain: boolean } | undefined): Action {
    return { kind: 'end', clientId: this.connection.clientId ?? '', ...(will && { will }) };
  }

  /** The topic a PUBLISH of this client was for (resolving its own topic aliases). */
  publishedTopic(packet: PublishPacket): string {
    return resolveAlias(this.clientAliases, packet);
  }

  /** The topic of a PUBLISH the broker sent this client (resolving the broker's aliases). */
  receivedTopic(packet: PublishPacket): string {
    return resolveAlias(this.serverAliases, packet);
  }

  /** The variable for the alias of `topic`, and whether an earlier expect captures it already. */
  aliasVariable(topic: string, fresh: () => string): { variable: string; known: boolean } {
    const known = this.aliasVariables.get(topic);
    if (known !== undefined) return { variable: known, known: true };
    const variable = fresh();
    this.aliasVariables.set(topic, variable);
    return { variable, known: false };
  }

  omit(packetId: number): void {
    this.omitted.add(packetId);
  }

  isOmitted(packetId: number): boolean {
    return this.omitted.has(packetId);
  }

  /** True for the client's acknowledgement of a message that was left out (the flow ends with it). */
  acknowledgesOmitted(packet: Packet): boolean {
    if (packet.type !== 'puback' && packet.type !== 'pubrec' && packet.type !== 'pubcomp') return false;
    if (!this.omitted.has(packet.packetId)) return false;
    if (packet.type !== 'pubrec') this.omitted.delete(packet.packetId);
    return true;
  }
}

function resolveAlias(aliases: Map<number, string>, packet: PublishPacket): string {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) return packet.topic;
  if (packet.topic !== '') {
    aliases.set(alias, packet.topic);
    return packet.topic;
  }
  return aliases.get(alias) ?? '';
}

export class GenerationState {
  readonly events: RecordedEvent[];
  readonly ids: IdNames;
  private readonly byConnection = new Map<number, ClientState>();
  private readonly nameOfId = new Map<string, string>();
  private readonly assigned = new Map<string, string>();
  private readonly published: Published[] = [];
  private readonly brokerIds = new Map<string, Map<number, string>>();
  private readonly counters = new Map<string, number>();
  /** Per connection and side, the index of each event in that side's list. */
  private readonly sides = new Map<string, RecordedEvent[]>();

  constructor(recording: Recording, kept: readonly RecordedConnection[]) {
    const keptIds = new Set(kept.map((connection) => connection.id));
    this.events = recording.events
      .filter((event) => keptIds.has(event.connection))
      .sort((a, b) => a.seq - b.seq);
    const taken = new Set<string>();
    for (const connection of [...kept].sort((a, b) => a.openedAtMs - b.openedAtMs)) {
      const name = clientName(connection.clientId, taken);
      taken.add(name);
      const id = connection.clientId ?? '';
      const first = id === '' || !this.nameOfId.has(id);
      if (id !== '' && first) this.nameOfId.set(id, name);
      const version = connection.level === 5 ? '5.0' : '3.1.1';
      const session = id === '' ? `#${connection.id}` : id;
      const client = new ClientState(name, connection, version, first, session);
      client.autoAck = acknowledgesEverything(recording.events.filter((e) => e.connection === connection.id));
      this.byConnection.set(connection.id, client);
    }
    this.ids = {
      variableFor: (clientId) => {
        const name = this.nameOfId.get(clientId);
        if (name !== undefined) return `\${clientId.${name}}`;
        const variable = this.assigned.get(clientId);
        return variable === undefined ? undefined : `\${${variable}}`;
      },
    };
    this.indexEvents();
  }

  private indexEvents(): void {
    const aliases = new Map<number, Map<number, string>>();
    for (const event of this.events) {
      const key = `${event.connection}/${event.from}`;
      const list = this.sides.get(key) ?? [];
      list.push(event);
      this.sides.set(key, list);
      if (event.from !== 'client' || event.kind !== 'packet') continue;
      const packet = event.packet;
      if (packet.type === 'publish') {
        const own = aliases.get(event.connection) ?? new Map<number, string>();
        aliases.set(event.connection, own);
        this.published.push({ topic: resolveAlias(own, packet), payload: packet.payload, atMs: event.atMs });
      } else if (packet.type === 'connect' && packet.will !== undefined) {
        this.published.push({ topic: packet.will.topic, payload: packet.will.payload, atMs: event.atMs });
      }
    }
  }

  client(connection: number): ClientState {
    const client = this.byConnection.get(connection);
    if (client === undefined) throw new Error(`no client for connection ${connection}`);
    return client;
  }

  clients(): ClientState[] {
    return [...this.byConnection.values()];
  }

  /** The next event the same side of the same connection sent. */
  next(event: RecordedEvent): RecordedEvent | undefined {
    const list = this.sides.get(`${event.connection}/${event.from}`) ?? [];
    return list[list.indexOf(event) + 1];
  }

  /** True when a recorded client published this message (or has it as its will) before `atMs`. */
  wasPublished(topic: string, payload: Buffer, atMs: number): boolean {
    return this.published.some((p) => p.atMs <= atMs && p.topic === topic && p.payload.equals(payload));
  }

  /** A new variable for a packet id the broker chose for this client's session. */
  brokerPacketId(client: ClientState, packetId: number): string {
    const variable = this.nextVariable('pid');
    const session = this.brokerIds.get(client.session) ?? new Map<number, string>();
    session.set(packetId, variable);
    this.brokerIds.set(client.session, session);
    return variable;
  }

  knownBrokerPacketId(client: ClientState, packetId: number): string | undefined {
    return this.brokerIds.get(client.session)?.get(packetId);
  }

  /** The variable that captures a client id the broker assigned. */
  assign(clientId: string): string {
    const variable = this.nextVariable('assigned');
    this.assigned.set(clientId, variable);
    return variable;
  }

  nextVariable(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }
}

/**
 * True when every QoS 1/2 message delivered on the connection was acknowledged in the usual way
 * (PUBACK; PUBREC, then PUBCOMP after the broker's PUBREL; reason code 0) before it ended, and there
 * was at least one. A client that holds back or refuses an acknowledgement keeps its own steps.
 */
function acknowledgesEverything(events: readonly RecordedEvent[]): boolean {
  const open = new Map<number, 'puback' | 'pubrec' | 'pubrel' | 'pubcomp'>();
  let deliveries = 0;
  for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
    if (event.kind !== 'packet') continue;
    const packet = event.packet;
    if (event.from === 'broker') {
      if (packet.type === 'publish' && packet.packetId !== undefined) {
        deliveries++;
        open.set(packet.packetId, packet.qos === 1 ? 'puback' : 'pubrec');
      } else if (packet.type === 'pubrel' && open.get(packet.packetId) === 'pubrel')
        open.set(packet.packetId, 'pubcomp');
      continue;
    }
    if (packet.type !== 'puback' && packet.type !== 'pubrec' && packet.type !== 'pubcomp') continue;
    if (open.get(packet.packetId) !== packet.type || (packet.reasonCode ?? 0) !== 0) return false;
    if (packet.type === 'pubrec') open.set(packet.packetId, 'pubrel');
    else open.delete(packet.packetId);
  }
  return deliveries > 0 && open.size === 0;
}
