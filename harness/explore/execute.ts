// Runs one generated session against a broker over raw connections (the scenario client of
// harness/steps/runtime over harness/transport) and checks every packet and close against the model.
// Stops at the first disagreement.
import { encode, type Packet, type Properties, type PublishPacket } from '../../wire/index.js';
import { ScenarioClient, type InboxEvent } from '../steps/index.js';
import type { Endpoint } from '../targets/index.js';
import { BrokerModel, USER_PROPERTIES, willPayload } from '../model/index.js';
import {
  CLIENT_NAMES,
  FRESH_VIOLATIONS,
  publishPayload,
  type Action,
  type ClientName,
  type ConnectAction,
  type PublishAction,
  type Session,
  type ViolateAction,
} from '../model/index.js';
import type { Disagreement } from '../model/index.js';
import { VIOLATION_TOPICS } from './scenario.js';

export interface ExecuteOptions {
  endpoint: Endpoint;
  /** Unique per session: the topic prefix level ('~') and the client id stem. */
  runId: string;
  graceMs: number;
  toleranceMs: number;
  /** Quiet time after each action before the model checks what is due. */
  settleMs: number;
  signal?: AbortSignal;
}

/** How an action was sent, for the scenario writer (packet ids, topic aliases). */
export interface SentRecord {
  index: number;
  packetId?: number;
  /** The alias used and whether the topic went out empty. */
  alias?: { alias: number; empty: boolean };
}

export interface Outcome {
  disagreement: Disagreement | undefined;
  /** The actions that ran (the others were skipped in their state). */
  ran: SentRecord[];
  durationMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function clientIdOf(runId: string, client: ClientName): string {
  return `${runId}${client}`;
}

export async function executeSession(session: Session, options: ExecuteOptions): Promise<Outcome> {
  const started = performance.now();
  const clock = (): number => performance.now() - started;
  const model = new BrokerModel(session, {
    version: session.version,
    graceMs: options.graceMs,
    toleranceMs: options.toleranceMs,
  });
  const prefix = options.runId;
  const toModel = (topic: string): string | undefined => {
    if (topic.startsWith(`$${prefix}/`)) return `$~${topic.slice(prefix.length + 1)}`;
    if (topic.startsWith(`${prefix}/`)) return `~${topic.slice(prefix.length)}`;
    return undefined;
  };
  const real = (topic: string): string => topic.replace('~', prefix);
  let disagreement: Disagreement | undefined;
  const clients = {} as Record<ClientName, ScenarioClient>;
  const aliasMaximum: Record<ClientName, number> = { a: 0, b: 0, c: 0 };
  const aliases: Record<ClientName, Map<string, number>> = { a: new Map(), b: new Map(), c: new Map() };
  const pubrel = new Map<string, number>(); // `${client}:${packetId}` → PUBRECs still to come before PUBREL
  const ran: SentRecord[] = [];

  const handle = (name: ClientName, event: InboxEvent): void => {
    if (disagreement !== undefined) return;
    const now = clock();
    if (event.kind === 'closed') {
      disagreement = model.onClosed(name, now);
      return;
    }
    if (event.kind !== 'packet') return;
    let packet: Packet = event.packet;
    if (packet.type === 'connack' && packet.reasonCode === 0) {
      aliasMaximum[name] = session.version === '5.0' ? (packet.properties?.topicAliasMaximum ?? 0) : 0;
      aliases[name] = new Map();
    }
    if (packet.type === 'pubrec') {
      const key = `${name}:${packet.packetId}`;
      const left = (pubrel.get(key) ?? 0) - 1;
      if (left === 0) {
        pubrel.delete(key);
        clients[name].send({ type: 'pubrel', packetId: packet.packetId });
      } else if (left > 0) pubrel.set(key, left);
    }
    if (packet.type === 'publish') {
      const topic = toModel(packet.topic);
      if (topic === undefined && packet.topic !== '') return; // someone else's traffic
      packet = { ...packet, topic: topic ?? '' } satisfies PublishPacket;
    }
    disagreement = model.onPacket(name, packet, event.raw.length, now);
  };

  for (const name of CLIENT_NAMES) {
    const client = new ScenarioClient({
      name,
      clientId: clientIdOf(options.runId, name),
      version: session.version,
      autoAck: session.autoAck[name],
      clock,
    });
    client.watch(() => {
      for (const event of [...client.pending()]) {
        client.consume(event);
        handle(name, event);
      }
    });
    clients[name] = client;
  }

  const open = async (name: ClientName): Promise<void> => {
    await clients[name].open(
      options.endpoint,
      options.graceMs * 4 + 2000,
      options.signal ?? new AbortController().signal,
    );
  };

  const connectPacket = (
    action: ConnectAction,
    index: number,
    flagsOverride?: number,
  ): { packet: Packet; flags?: number } => {
    const v5 = session.version === '5.0';
    const clientId = action.emptyId === true ? '' : clientIdOf(options.runId, action.as ?? action.client);
    const properties = {
      ...(action.sessionExpiry !== undefined && { sessionExpiryInterval: action.sessionExpiry }),
      ...(action.receiveMaximum !== undefined && { receiveMaximum: action.receiveMaximum }),
      ...(action.maximumPacketSize !== undefined && { maximumPacketSize: action.maximumPacketSize }),
    };
    const will = action.will;
    const packet: Packet = {
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: v5 ? 5 : 4,
      cleanStart: action.clean,
      keepAlive: action.keepAlive ?? 0,
      clientId,
      ...(will !== undefined && {
        will: {
          topic: real(will.topic),
          payload: Buffer.from(willPayload(action.client, index)),
          qos: will.qos,
          retain: will.retain,
          ...(v5 && will.delay !== undefined && { properties: { willDelayInterval: will.delay } }),
        },
      }),
      ...(v5 && Object.keys(properties).length > 0 && { properties }),
    };
    return { packet, ...(flagsOverride !== undefined && { flags: flagsOverride }) };
  };

  const run = async (index: number, action: Action): Promise<SentRecord | undefined> => {
    if (action.do === 'wait') {
      await sleep(action.ms);
      return { index };
    }
    const client = clients[action.client];
    switch (action.do) {
      case 'connect': {
        await open(action.client);
        model.act(index, action, {}, clock());
        client.send(connectPacket(action, index).packet);
        return { index };
      }
      case 'subscribe': {
        const packetId = client.allocatePacketId();
        model.act(index, action, { packetId }, clock());
        const v5 = session.version === '5.0';
        client.send({
          type: 'subscribe',
          packetId,
          subscriptions: [
            {
              topicFilter: real(action.filter),
              qos: action.qos,
              ...(v5 && {
                noLocal: action.noLocal === true,
                retainAsPublished: action.retainAsPublished === true,
                retainHandling: action.retainHandling ?? 0,
              }),
            },
          ],
          ...(v5 &&
            action.subscriptionId !== undefined && {
              properties: { subscriptionIdentifier: action.subscriptionId },
            }),
        });
        return { index, packetId };
      }
      case 'unsubscribe': {
        const packetId = client.allocatePacketId();
        model.act(index, action, { packetId }, clock());
        client.send({ type: 'unsubscribe', packetId, topicFilters: [real(action.filter)] });
        return { index, packetId };
      }
      case 'publish':
        return publish(index, action);
      case 'disconnect':
        model.act(index, action, {}, clock());
        client.send({ type: 'disconnect' });
        client.end();
        return { index };
      case 'drop':
        model.act(index, action, {}, clock());
        client.destroy();
        return { index };
      case 'violate':
        return violate(index, action);
    }
  };

  const publish = (index: number, action: PublishAction): SentRecord => {
    const client = clients[action.client];
    const v5 = session.version === '5.0';
    const packetId = action.qos > 0 ? client.allocatePacketId() : undefined;
    let alias: SentRecord['alias'];
    if (v5 && action.alias === true && aliasMaximum[action.client] >= 1) {
      const known = aliases[action.client].get(action.topic);
      if (known !== undefined) alias = { alias: known, empty: true };
      else if (aliases[action.client].size < Math.min(aliasMaximum[action.client], 3)) {
        const next = aliases[action.client].size + 1;
        aliases[action.client].set(action.topic, next);
        alias = { alias: next, empty: false };
      }
    }
    const properties: Properties = {
      ...(v5 && action.expiry !== undefined && { messageExpiryInterval: action.expiry }),
      ...(v5 &&
        action.userProperties === true && {
          userProperties: USER_PROPERTIES.map(([k, v]) => [k, v] as [string, string]),
        }),
      ...(alias !== undefined && { topicAlias: alias.alias }),
    };
    const packet: PublishPacket = {
      type: 'publish',
      topic: alias?.empty === true ? '' : real(action.topic),
      payload: Buffer.from(publishPayload(index, action)),
      qos: action.qos,
      retain: action.retain,
      dup: false,
      ...(packetId !== undefined && { packetId }),
      ...(Object.keys(properties).length > 0 && { properties }),
    };
    model.act(index, action, packetId !== undefined ? { packetId } : {}, clock());
    if (action.qos === 2 && packetId !== undefined)
      pubrel.set(`${action.client}:${packetId}`, action.resend === true ? 2 : 1);
    client.send(packet);
    if (action.qos === 2 && action.resend === true) client.send({ ...packet, dup: true });
    return { index, ...(packetId !== undefined && { packetId }), ...(alias !== undefined && { alias }) };
  };

  const violate = async (index: number, action: ViolateAction): Promise<SentRecord> => {
    const client = clients[action.client];
    const level = session.version === '5.0' ? 5 : 4;
    const topic = real('~/t/a');
    if (FRESH_VIOLATIONS.has(action.kind)) await open(action.client);
    model.act(index, action, {}, clock());
    const connect = connectPacket({ do: 'connect', client: action.client, clean: true }, index);
    switch (action.kind) {
      case 'second-connect':
        client.send(connect.packet);
        break;
      case 'qos3':
        client.writeRaw(
          encode(
            {
              type: 'publish',
              topic,
              payload: Buffer.from('q3'),
              qos: 1,
              retain: false,
              dup: false,
              packetId: 1,
            },
            level,
            { flags: 0x06 },
          ),
        );
        break;
      case 'wildcard-topic':
        client.writeRaw(
          encode(
            {
              type: 'publish',
              topic: VIOLATION_TOPICS.wildcard,
              payload: Buffer.from('wc'),
              qos: 0,
              retain: false,
              dup: false,
            },
            level,
          ),
        );
        break;
      case 'ill-formed-utf8':
        client.writeRaw(
          encode(
            { type: 'publish', topic: 'x', payload: Buffer.from('u8'), qos: 0, retain: false, dup: false },
            level,
            {
              rawStrings: { topic: VIOLATION_TOPICS.illFormed },
            },
          ),
        );
        break;
      case 'reserved-flag':
        client.writeRaw(encode(connect.packet, level, { connectFlags: 0x03 }));
        break;
      case 'protocol-level':
        client.send({ ...connect.packet, protocolLevel: 9 } as Packet, undefined, level);
        break;
      case 'first-not-connect':
        client.send({ type: 'pingreq' });
        break;
    }
    return { index };
  };

  try {
    for (const [index, action] of session.actions.entries()) {
      if (disagreement !== undefined || options.signal?.aborted === true) break;
      if (!model.applicable(action)) continue;
      disagreement = model.check(clock());
      if (disagreement !== undefined) break;
      const record = await run(index, action);
      if (record !== undefined) ran.push(record);
      const deadline = clock() + options.graceMs + 20;
      while (disagreement === undefined && model.awaitingReplies() && clock() < deadline) await sleep(5);
      await sleep(options.settleMs);
      disagreement ??= model.check(clock());
    }
    // The end: wait while something is still required (at most until it is due), then a last look.
    const last = model.lastDue() ?? 0;
    while (disagreement === undefined && model.pendingRequirements() && clock() <= last + 5) await sleep(5);
    await sleep(options.settleMs * 2);
    disagreement ??= model.check(last < clock() ? clock() : 0);
  } finally {
    for (const name of CLIENT_NAMES) clients[name].destroy();
  }
  return { disagreement, ran, durationMs: Math.round(clock()) };
}
