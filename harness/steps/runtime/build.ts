// Scenario data → wire packets: sensible defaults for what the scenario leaves out, bytes from
// strings / hex, and encoder overrides from the `encoding` map.
import type { EncodeOverrides, Packet, Properties, QoS, Will } from '../../../wire/index.js';
import type { ScenarioClient } from './client.js';
import { parseHex, toBytes } from './bytes.js';

type Fields = Readonly<Record<string, unknown>>;

export function buildProperties(data: unknown): Properties | undefined {
  if (data === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data as Fields)) {
    out[key] = key === 'correlationData' || key === 'authenticationData' ? toBytes(value) : value;
  }
  return out as Properties;
}

function buildWill(data: unknown): Will | undefined {
  if (data === undefined) return undefined;
  const will = data as Fields;
  const properties = buildProperties(will['properties']);
  return {
    topic: String(will['topic']),
    payload: will['payload'] === undefined ? Buffer.alloc(0) : toBytes(will['payload']),
    qos: (will['qos'] ?? 0) as QoS,
    retain: (will['retain'] ?? false) as boolean,
    ...(properties && { properties }),
  };
}

export interface ConnectDefaults {
  username?: string;
  password?: string;
}

export function buildConnect(fields: Fields, client: ScenarioClient, defaults: ConnectDefaults): Packet {
  const will = buildWill(fields['will']);
  const properties = buildProperties(fields['properties']);
  const username = (fields['username'] as string | undefined) ?? defaults.username;
  const password =
    fields['password'] !== undefined
      ? toBytes(fields['password'])
      : defaults.password !== undefined
        ? Buffer.from(defaults.password)
        : undefined;
  return {
    type: 'connect',
    protocolName: (fields['protocolName'] as string | undefined) ?? 'MQTT',
    protocolLevel: (fields['protocolLevel'] as number | undefined) ?? client.level,
    cleanStart: (fields['cleanStart'] as boolean | undefined) ?? true,
    keepAlive: (fields['keepAlive'] as number | undefined) ?? 60,
    clientId: (fields['clientId'] as string | undefined) ?? client.clientId,
    ...(will && { will }),
    ...(username !== undefined && { username }),
    ...(password !== undefined && { password }),
    ...(properties && { properties }),
  };
}

/** A packet from a `send` step; packet ids are allocated when a QoS > 0 PUBLISH or a SUBSCRIBE lacks one. */
export function buildPacket(data: Fields, client: ScenarioClient, defaults: ConnectDefaults): Packet {
  const properties = buildProperties(data['properties']);
  const props = properties ? { properties } : {};
  const id = (): number => (data['packetId'] as number | undefined) ?? client.allocatePacketId();
  const type = data['type'] as Packet['type'];
  switch (type) {
    case 'connect':
      return buildConnect(data, client, defaults);
    case 'connack':
      return {
        type,
        sessionPresent: (data['sessionPresent'] as boolean | undefined) ?? false,
        reasonCode: (data['reasonCode'] as number | undefined) ?? 0,
        ...props,
      };
    case 'publish': {
      const qos = ((data['qos'] as number | undefined) ?? 0) as QoS;
      const packetId = qos > 0 || data['packetId'] !== undefined ? id() : undefined;
      return {
        type,
        topic: typeof data['topic'] === 'string' ? data['topic'] : '',
        payload: data['payload'] === undefined ? Buffer.alloc(0) : toBytes(data['payload']),
        qos,
        retain: (data['retain'] as boolean | undefined) ?? false,
        dup: (data['dup'] as boolean | undefined) ?? false,
        ...(packetId !== undefined && { packetId }),
        ...props,
      };
    }
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp':
      return {
        type,
        packetId: data['packetId'] as number,
        ...(data['reasonCode'] !== undefined && { reasonCode: data['reasonCode'] as number }),
        ...props,
      };
    case 'subscribe':
      return {
        type,
        packetId: id(),
        subscriptions: ((data['subscriptions'] ?? []) as Fields[]).map((s) => ({
          ...(s as { topicFilter: string }),
          qos: ((s['qos'] as number | undefined) ?? 0) as QoS,
        })),
        ...props,
      };
    case 'suback':
      return { type, packetId: id(), reasonCodes: (data['reasonCodes'] ?? []) as number[], ...props };
    case 'unsubscribe':
      return { type, packetId: id(), topicFilters: (data['topicFilters'] ?? []) as string[], ...props };
    case 'unsuback':
      return {
        type,
        packetId: id(),
        ...(data['reasonCodes'] !== undefined && { reasonCodes: data['reasonCodes'] as number[] }),
        ...props,
      };
    case 'pingreq':
    case 'pingresp':
      return { type };
    case 'disconnect':
    case 'auth':
      return {
        type,
        ...(data['reasonCode'] !== undefined && { reasonCode: data['reasonCode'] as number }),
        ...props,
      };
  }
}

export function buildOverrides(data: Fields | undefined): EncodeOverrides | undefined {
  if (data === undefined) return undefined;
  const out: EncodeOverrides = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'rawProperties' || key === 'trailing' || key === 'body') {
      out[key] = parseHex(String(value));
    } else (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
