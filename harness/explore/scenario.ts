// A finding as a scenario: the session's actions that ran, up to the one after which the
// disagreement showed, as steps, then one step that checks what the model requires there. The
// scenario names the statements of the broken rule and the seed; `harness run` replays it.
import { stringify } from 'yaml';
import { encode } from '../../wire/index.js';
import { USER_PROPERTIES, willPayload } from '../model/index.js';
import { RULES } from '../model/index.js';
import { CLIENT_NAMES, publishPayload, type Action, type ClientName, type Session } from '../model/index.js';
import type { CheckHint, Disagreement } from '../model/index.js';
import type { SentRecord } from './execute.js';

/** Fixed topics for the violations (raw bytes cannot hold the per-run prefix). */
export const VIOLATION_TOPICS = {
  wildcard: 'mhx/t/+',
  illFormed: Buffer.from([0x6d, 0x68, 0x78, 0x2f, 0xed, 0xa0, 0x80]),
};

export interface ScenarioSource {
  session: Session;
  ran: readonly SentRecord[];
  disagreement: Disagreement;
  target: string;
  seed: number;
}

type Step = Record<string, unknown>;

const topicOf = (topic: string): string => topic.replace('~/', '${prefix}');
const idOf = (client: ClientName): string => `\${clientId.${client}}`;

export function scenarioName(
  source: Pick<ScenarioSource, 'target' | 'disagreement' | 'seed' | 'session'>,
): string {
  const target = source.target
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const version = source.session.version === '5.0' ? 'v5' : 'v311';
  return `found-${target}-${version}-${source.disagreement.rule}-seed${source.seed}`;
}

/** The scenario as a plain object (YAML-ready). */
export function toScenario(source: ScenarioSource): Record<string, unknown> {
  const { session, disagreement } = source;
  const v5 = session.version === '5.0';
  const steps: Step[] = [];
  const opened = new Set<ClientName>();
  const last = disagreement.actionIndex;
  for (const record of source.ran) {
    if (record.index > last) break;
    const action = session.actions[record.index];
    if (action === undefined) continue;
    const check = record.index === last ? disagreement.check : undefined;
    steps.push(...stepsOf(action, record, opened, v5, check));
  }
  steps.push(...checkSteps(disagreement.check, disagreement.actionIndex, session));
  const rule = RULES[disagreement.rule];
  return {
    name: scenarioName(source),
    description:
      `Found by harness explore on ${source.target} (seed ${source.seed}, MQTT ${session.version}): ` +
      `${disagreement.message}. Model rule '${disagreement.rule}': ${rule.summary}.`,
    mqtt: session.version,
    statements: [...disagreement.statements],
    tags: ['explore', disagreement.rule],
    clients: Object.fromEntries(CLIENT_NAMES.map((name) => [name, { autoAck: session.autoAck[name] }])),
    steps,
  };
}

export function toScenarioYaml(source: ScenarioSource): string {
  const header = '# yaml-language-server: $schema=../scenario.schema.json\n';
  return header + stringify(toScenario(source), { lineWidth: 0 });
}

function stepsOf(
  action: Action,
  record: SentRecord,
  opened: Set<ClientName>,
  v5: boolean,
  check: CheckHint | undefined,
): Step[] {
  if (action.do === 'wait') return [{ wait: action.ms }];
  const client = action.client;
  const firstUse = !opened.has(client);
  opened.add(client);
  const connectKey = firstUse ? 'connect' : 'reconnect';
  switch (action.do) {
    case 'connect': {
      const properties = {
        ...(v5 && action.sessionExpiry !== undefined && { sessionExpiryInterval: action.sessionExpiry }),
        ...(v5 && action.receiveMaximum !== undefined && { receiveMaximum: action.receiveMaximum }),
        ...(v5 && action.maximumPacketSize !== undefined && { maximumPacketSize: action.maximumPacketSize }),
      };
      const will = action.will;
      let expect: unknown;
      if (check?.kind === 'connack') {
        expect = {
          type: 'connack',
          reasonCode: check.reasonCode,
          ...(check.sessionPresent !== undefined && { sessionPresent: check.sessionPresent }),
          ...(check.assigned === true && { properties: { assignedClientIdentifier: { present: true } } }),
        };
      } else if (action.emptyId === true && !v5) expect = 'none';
      return [
        {
          [connectKey]: {
            client,
            clientId: action.emptyId === true ? '' : idOf(action.as ?? client),
            cleanStart: action.clean,
            keepAlive: action.keepAlive ?? 0,
            ...(will !== undefined && {
              will: {
                topic: topicOf(will.topic),
                payload: willPayload(client, record.index),
                qos: will.qos,
                retain: will.retain,
                ...(v5 && will.delay !== undefined && { properties: { willDelayInterval: will.delay } }),
              },
            }),
            ...(Object.keys(properties).length > 0 && { properties }),
            ...(expect !== undefined && { expect }),
          },
        },
      ];
    }
    case 'subscribe':
      return [
        {
          subscribe: {
            client,
            subscriptions: [
              {
                topicFilter: topicOf(action.filter),
                qos: action.qos,
                ...(v5 && action.noLocal === true && { noLocal: true }),
                ...(v5 && action.retainAsPublished === true && { retainAsPublished: true }),
                ...(v5 && action.retainHandling !== undefined && { retainHandling: action.retainHandling }),
              },
            ],
            ...(v5 &&
              action.subscriptionId !== undefined && {
                properties: { subscriptionIdentifier: action.subscriptionId },
              }),
          },
        },
      ];
    case 'unsubscribe':
      return [{ unsubscribe: { client, filter: topicOf(action.filter) } }];
    case 'publish':
      return publishSteps(action, record, v5);
    case 'disconnect':
      return [{ disconnect: { client } }, { wait: 50 }];
    case 'drop':
      return [{ drop: { client } }, { wait: 50 }];
    case 'violate': {
      const level = v5 ? 5 : 4;
      switch (action.kind) {
        case 'second-connect':
          return [
            { connect: { client, clientId: idOf(client), cleanStart: true, keepAlive: 0, expect: 'none' } },
          ];
        case 'qos3':
          return [
            {
              send: {
                client,
                packet: { type: 'publish', topic: topicOf('~/t/a'), qos: 1, packetId: 1, payload: 'q3' },
                encoding: { flags: 0x06 },
              },
            },
          ];
        case 'wildcard-topic':
          return [
            {
              raw: {
                client,
                hex: hexOf(
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
                ),
              },
            },
          ];
        case 'ill-formed-utf8':
          return [
            {
              raw: {
                client,
                hex: hexOf(
                  encode(
                    {
                      type: 'publish',
                      topic: 'x',
                      payload: Buffer.from('u8'),
                      qos: 0,
                      retain: false,
                      dup: false,
                    },
                    level,
                    {
                      rawStrings: { topic: VIOLATION_TOPICS.illFormed },
                    },
                  ),
                ),
              },
            },
          ];
        case 'reserved-flag':
          return [
            {
              [connectKey]: {
                client,
                clientId: idOf(client),
                cleanStart: true,
                keepAlive: 0,
                encoding: { connectFlags: 0x03 },
                expect: 'none',
              },
            },
          ];
        case 'protocol-level':
          return [
            {
              [connectKey]: {
                client,
                clientId: idOf(client),
                cleanStart: true,
                keepAlive: 0,
                protocolLevel: 9,
                expect: 'none',
              },
            },
          ];
        case 'first-not-connect':
          return [{ send: { client, packet: { type: 'pingreq' } } }];
      }
    }
  }
}

function publishSteps(action: Action & { do: 'publish' }, record: SentRecord, v5: boolean): Step[] {
  const client = action.client;
  const payload = publishPayload(record.index, action);
  const properties = {
    ...(v5 && action.expiry !== undefined && { messageExpiryInterval: action.expiry }),
    ...(v5 && action.userProperties === true && { userProperties: USER_PROPERTIES.map(([k, v]) => [k, v]) }),
    ...(record.alias !== undefined && { topicAlias: record.alias.alias }),
  };
  const plain = record.alias === undefined && action.resend !== true;
  if (plain) {
    return [
      {
        publish: {
          client,
          topic: topicOf(action.topic),
          payload,
          qos: action.qos,
          retain: action.retain,
          ...(Object.keys(properties).length > 0 && { properties }),
        },
      },
    ];
  }
  const packetId = record.packetId;
  const packet = {
    type: 'publish',
    topic: record.alias?.empty === true ? '' : topicOf(action.topic),
    payload,
    qos: action.qos,
    retain: action.retain,
    ...(packetId !== undefined && { packetId }),
    ...(Object.keys(properties).length > 0 && { properties }),
  };
  const steps: Step[] = [{ send: { client, packet } }];
  if (action.qos === 1)
    steps.push({ expect: { client, packet: { type: 'puback', packetId }, unordered: true } });
  if (action.qos === 2) {
    if (action.resend === true) {
      steps.push({ send: { client, packet: { ...packet, dup: true } } });
      steps.push({ expect: { client, packet: { type: 'pubrec', packetId }, unordered: true } });
    }
    steps.push({ expect: { client, packet: { type: 'pubrec', packetId }, unordered: true } });
    steps.push({ send: { client, packet: { type: 'pubrel', packetId } } });
    steps.push({ expect: { client, packet: { type: 'pubcomp', packetId }, unordered: true } });
  }
  return steps;
}

function checkSteps(check: CheckHint, _index: number, _session: Session): Step[] {
  switch (check.kind) {
    case 'delivery':
      return [
        {
          expect: {
            client: check.client,
            packet: {
              type: 'publish',
              topic: topicOf(check.topic),
              payload: check.payload,
              ...(check.qos !== undefined && { qos: check.qos }),
              ...(check.retain !== undefined && { retain: check.retain }),
              ...(check.dup !== undefined && { dup: check.dup }),
              ...(check.subscriptionIds !== undefined && {
                properties: { subscriptionIdentifier: { present: true } },
              }),
              ...(check.userProperties !== undefined && {
                properties: { userProperties: check.userProperties.map(([k, v]) => [k, v]) },
              }),
            },
            unordered: true,
            timeout: 2000,
          },
        },
      ];
    case 'count':
      return [
        {
          expectCount: {
            clients: [check.client],
            packet: { type: 'publish', topic: topicOf(check.topic), payload: check.payload },
            count: check.count,
            duration: check.duration,
          },
        },
      ];
    case 'closed':
      return [{ expectClosed: { client: check.client, timeout: 3000 } }];
    case 'open':
      return [{ ping: { client: check.client } }];
    case 'reply':
    case 'connack':
      return [];
    case 'distinct-ids':
      return [
        {
          expect: {
            client: check.client,
            packet: { type: 'publish', topic: topicOf(check.topic), payload: check.first },
            capture: { packetId: 'first' },
            unordered: true,
          },
        },
        {
          expect: {
            client: check.client,
            packet: { type: 'publish', payload: check.second, packetId: { noneOf: ['${first}'] } },
            unordered: true,
          },
        },
      ];
    case 'in-flight':
      return [
        {
          expectCount: {
            clients: [check.client],
            packet: { type: 'publish', qos: { anyOf: [1, 2] } },
            count: check.count,
            duration: check.duration,
          },
        },
      ];
  }
}

function hexOf(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}
