// Runs one generated session against a broker over raw connections (the scenario client of
// harness/steps/runtime over harness/transport) and checks every packet and close against the model.
// Stops at the first disagreement.
import type { Packet, PublishPacket } from '../../wire/index.js';
import { ScenarioClient, type InboxEvent } from '../steps/index.js';
import type { Endpoint } from '../targets/index.js';
import {
  BrokerModel,
  CLIENT_NAMES,
  FRESH_VIOLATIONS,
  type Action,
  type ClientName,
  type Disagreement,
  type PublishAction,
  type Session,
  type ViolateAction,
} from '../model/index.js';
import {
  clientIdOf,
  connectPacket,
  modelTopic,
  publishPacket,
  realTopic,
  subscribePacket,
  violationBytes,
  type Naming,
} from './packets.js';
import type { ExploreProfile } from './profiles.js';

export { clientIdOf } from './packets.js';

export interface ExecuteOptions {
  endpoint: Endpoint;
  /** Unique per session: the topic prefix level ('~') and the client id stem. */
  runId: string;
  graceMs: number;
  toleranceMs: number;
  /** Quiet time after each action before the model checks what is due. */
  settleMs: number;
  signal?: AbortSignal;
  /** The target's profile (credentials, ACL); default: none. */
  profile?: ExploreProfile;
}

/** How an action was sent, for the scenario writer (packet ids, topic aliases). */
export interface SentRecord {
  index: number;
  packetId?: number;
  /** The alias used and whether the topic went out empty. */
  alias?: { alias: number; empty: boolean };
  /** QoS 2: the server refused it with PUBREC >= 0x80 (no PUBREL follows). */
  refused?: boolean;
}

export interface Outcome {
  disagreement: Disagreement | undefined;
  /** The actions that ran (the others were skipped in their state). */
  ran: SentRecord[];
  durationMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One session run: the clients, the model and what the executor keeps between packets. */
class SessionRun {
  readonly started = performance.now();
  readonly model: BrokerModel;
  readonly naming: Naming;
  readonly clients = {} as Record<ClientName, ScenarioClient>;
  disagreement: Disagreement | undefined;
  /** Topic Alias Maximum each client got in its CONNACK, and the aliases it set. */
  private readonly aliasMaximum: Record<ClientName, number> = { a: 0, b: 0, c: 0 };
  private readonly aliases: Record<ClientName, Map<string, number>> = {
    a: new Map(),
    b: new Map(),
    c: new Map(),
  };
  /** `${client}:${packetId}` → PUBRECs still to come before PUBREL. */
  private readonly pubrel = new Map<string, number>();
  /** `${client}:${packetId}` → the record of a QoS 2 PUBLISH in flight. */
  private readonly qos2Sent = new Map<string, SentRecord>();
  /** Per client, the Packet Identifier of its last PUBLISH refused with PUBREC >= 0x80. */
  private readonly refusedId: Partial<Record<ClientName, number>> = {};

  constructor(
    readonly session: Session,
    readonly options: ExecuteOptions,
  ) {
    this.model = new BrokerModel(session, {
      version: session.version,
      graceMs: options.graceMs,
      toleranceMs: options.toleranceMs,
      ...(options.profile?.acl !== undefined && { acl: options.profile.acl }),
      ...(options.profile?.settings?.maximumQoS !== undefined && {
        maximumQos: options.profile.settings.maximumQoS,
      }),
    });
    this.naming = {
      runId: options.runId,
      version: session.version,
      credentials: options.profile?.credentials,
    };
    for (const name of CLIENT_NAMES) {
      const client = new ScenarioClient({
        name,
        clientId: clientIdOf(options.runId, name),
        version: session.version,
        autoAck: session.autoAck[name],
        clock: () => this.clock(),
      });
      client.watch(() => {
        for (const event of [...client.pending()]) {
          client.consume(event);
          this.handle(name, event);
        }
      });
      this.clients[name] = client;
    }
  }

  clock(): number {
    return performance.now() - this.started;
  }

  /** A packet or close a client saw, judged by the model (PUBREL sent once every PUBREC came). */
  private handle(name: ClientName, event: InboxEvent): void {
    if (this.disagreement !== undefined) return;
    const now = this.clock();
    if (event.kind === 'closed') {
      this.disagreement = this.model.onClosed(name, now);
      return;
    }
    if (event.kind !== 'packet') return;
    let packet: Packet = event.packet;
    if (packet.type === 'connack' && packet.reasonCode === 0) {
      this.aliasMaximum[name] =
        this.session.version === '5.0' ? (packet.properties?.topicAliasMaximum ?? 0) : 0;
      this.aliases[name] = new Map();
    }
    if (packet.type === 'pubrec' && (packet.reasonCode ?? 0) >= 0x80) {
      // Refused: no PUBREL, and the Packet Identifier may be used again [MQTT-4.3.3-9].
      const key = `${name}:${packet.packetId}`;
      this.pubrel.delete(key);
      this.refusedId[name] = packet.packetId;
      const record = this.qos2Sent.get(key);
      if (record !== undefined) record.refused = true;
    } else if (packet.type === 'pubrec') {
      const key = `${name}:${packet.packetId}`;
      const left = (this.pubrel.get(key) ?? 0) - 1;
      if (left === 0) {
        this.pubrel.delete(key);
        this.clients[name].send({ type: 'pubrel', packetId: packet.packetId });
      } else if (left > 0) this.pubrel.set(key, left);
    }
    if (packet.type === 'publish') {
      const topic = modelTopic(this.naming, packet.topic);
      if (topic === undefined && packet.topic !== '') return; // someone else's traffic
      packet = { ...packet, topic: topic ?? '' } satisfies PublishPacket;
    }
    this.disagreement = this.model.onPacket(name, packet, event.raw.length, now);
  }

  private async open(name: ClientName): Promise<void> {
    await this.clients[name].open(
      this.options.endpoint,
      this.options.graceMs * 4 + 2000,
      this.options.signal ?? new AbortController().signal,
    );
  }

  /** Sends one action (the model records it first). */
  async run(index: number, action: Action): Promise<SentRecord> {
    if (action.do === 'wait') {
      await sleep(action.ms);
      return { index };
    }
    const client = this.clients[action.client];
    const act = (sent: { packetId?: number }): void => this.model.act(index, action, sent, this.clock());
    switch (action.do) {
      case 'connect':
        await this.open(action.client);
        act({});
        client.send(connectPacket(this.naming, action, index));
        return { index };
      case 'subscribe': {
        const packetId = client.allocatePacketId();
        act({ packetId });
        client.send(subscribePacket(this.naming, action, packetId));
        return { index, packetId };
      }
      case 'unsubscribe': {
        const packetId = client.allocatePacketId();
        act({ packetId });
        client.send({ type: 'unsubscribe', packetId, topicFilters: [realTopic(this.naming, action.filter)] });
        return { index, packetId };
      }
      case 'publish':
        return this.publish(index, action);
      case 'disconnect':
        act({});
        client.send({ type: 'disconnect' });
        client.end();
        return { index };
      case 'drop':
        act({});
        client.destroy();
        return { index };
      case 'violate':
        return this.violate(index, action);
    }
  }

  /** The alias a publish uses: a known one (empty topic), a new one while the server allows more. */
  private aliasFor(action: PublishAction): SentRecord['alias'] {
    if (this.session.version !== '5.0' || action.alias !== true) return undefined;
    const maximum = this.aliasMaximum[action.client];
    if (maximum < 1) return undefined;
    const aliases = this.aliases[action.client];
    const known = aliases.get(action.topic);
    if (known !== undefined) return { alias: known, empty: true };
    if (aliases.size >= Math.min(maximum, 3)) return undefined;
    const next = aliases.size + 1;
    aliases.set(action.topic, next);
    return { alias: next, empty: false };
  }

  private publish(index: number, action: PublishAction): SentRecord {
    const client = this.clients[action.client];
    const reuse =
      action.qos === 2 && action.reuseRefusedId === true ? this.refusedId[action.client] : undefined;
    if (reuse !== undefined) delete this.refusedId[action.client];
    const packetId = action.qos > 0 ? (reuse ?? client.allocatePacketId()) : undefined;
    const alias = this.aliasFor(action);
    const packet = publishPacket(this.naming, action, index, packetId, alias);
    this.model.act(index, action, packetId !== undefined ? { packetId } : {}, this.clock());
    if (action.qos === 2 && packetId !== undefined)
      this.pubrel.set(`${action.client}:${packetId}`, action.resend === true ? 2 : 1);
    client.send(packet);
    if (action.qos === 2 && action.resend === true) client.send({ ...packet, dup: true });
    const record: SentRecord = {
      index,
      ...(packetId !== undefined && { packetId }),
      ...(alias !== undefined && { alias }),
    };
    if (action.qos === 2 && packetId !== undefined) this.qos2Sent.set(`${action.client}:${packetId}`, record);
    return record;
  }

  private async violate(index: number, action: ViolateAction): Promise<SentRecord> {
    if (FRESH_VIOLATIONS.has(action.kind)) await this.open(action.client);
    this.model.act(index, action, {}, this.clock());
    this.clients[action.client].writeRaw(violationBytes(this.naming, action, index));
    return { index };
  }

  /** After an action: wait for the replies it needs (at most the grace), then check what is due. */
  async settle(): Promise<void> {
    const { graceMs, settleMs } = this.options;
    const deadline = this.clock() + graceMs + 20;
    while (this.disagreement === undefined && this.model.awaitingReplies() && this.clock() < deadline)
      await sleep(5);
    await sleep(settleMs);
    this.disagreement ??= this.model.check(this.clock());
  }

  /** The end: wait while something is still required (at most until it is due), then a last look. */
  async finish(): Promise<void> {
    const last = this.model.lastDue() ?? 0;
    while (this.disagreement === undefined && this.model.pendingRequirements() && this.clock() <= last + 5)
      await sleep(5);
    await sleep(this.options.settleMs * 2);
    this.disagreement ??= this.model.check(last < this.clock() ? this.clock() : 0);
  }

  close(): void {
    for (const name of CLIENT_NAMES) this.clients[name].destroy();
  }
}

export async function executeSession(session: Session, options: ExecuteOptions): Promise<Outcome> {
  const run = new SessionRun(session, options);
  const ran: SentRecord[] = [];
  try {
    for (const [index, action] of session.actions.entries()) {
      if (run.disagreement !== undefined || options.signal?.aborted === true) break;
      if (!run.model.applicable(action)) continue;
      run.disagreement = run.model.check(run.clock());
      if (run.disagreement !== undefined) break;
      ran.push(await run.run(index, action));
      await run.settle();
    }
    await run.finish();
  } finally {
    run.close();
  }
  return { disagreement: run.disagreement, ran, durationMs: Math.round(run.clock()) };
}
