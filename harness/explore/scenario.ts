// A finding as a scenario: the session's actions that ran, up to the one after which the
// disagreement showed, as steps, then one step that checks what the model requires there. The
// scenario names the statements of the broken rule and the seed; `harness run` replays it.
import { stringify } from 'yaml';
import { USER_PROPERTIES, willPayload } from '../model/index.js';
import { RULES } from '../model/index.js';
import {
  CLIENT_NAMES,
  publishPayload,
  type Action,
  type ClientName,
  type ConnectAction,
  type Session,
} from '../model/index.js';
import type { CheckHint, Disagreement } from '../model/index.js';
import type { SentRecord } from './execute.js';
import { checkSteps } from './check-steps.js';
import { violationSteps } from './violation-steps.js';
import type { ExploreProfile } from './profiles.js';

export { VIOLATION_TOPICS } from './violation-steps.js';

export interface ScenarioSource {
  session: Session;
  ran: readonly SentRecord[];
  disagreement: Disagreement;
  target: string;
  seed: number;
  /** The profile the target ran with (its settings go into the scenario). */
  profile?: ExploreProfile | undefined;
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
    steps.push(...stepsOf(action, record, opened, { v5, profile: source.profile }, check));
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
    ...(source.profile?.settings !== undefined && { settings: source.profile.settings }),
    clients: Object.fromEntries(CLIENT_NAMES.map((name) => [name, { autoAck: session.autoAck[name] }])),
    steps,
  };
}

export function toScenarioYaml(source: ScenarioSource): string {
  const header = '# yaml-language-server: $schema=../scenario.schema.json\n';
  return header + stringify(toScenario(source), { lineWidth: 0 });
}

interface Writing {
  v5: boolean;
  profile: ExploreProfile | undefined;
}

function stepsOf(
  action: Action,
  record: SentRecord,
  opened: Set<ClientName>,
  writing: Writing,
  check: CheckHint | undefined,
): Step[] {
  const { v5, profile } = writing;
  if (action.do === 'wait') return [{ wait: action.ms }];
  const client = action.client;
  const firstUse = !opened.has(client);
  opened.add(client);
  const connectKey = firstUse ? 'connect' : 'reconnect';
  switch (action.do) {
    case 'connect':
      return [connectStep(action, record, connectKey, writing, check)];
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
            // Downgraded to the announced maximum [MQTT-3.2.2-10].
            ...(check?.kind === 'suback' && {
              expect: { reasonCodes: [Math.min(action.qos, check.maximumQos)] },
            }),
          },
        },
      ];
    case 'unsubscribe':
      return [{ unsubscribe: { client, filter: topicOf(action.filter) } }];
    case 'publish':
      return publishSteps(action, record, v5, profile);
    case 'disconnect':
      return [{ disconnect: { client } }, { wait: 50 }];
    case 'drop':
      return [{ drop: { client } }, { wait: 50 }];
    case 'violate':
      return violationSteps(action, connectKey, v5, profile?.credentials);
  }
}

function connectStep(
  action: ConnectAction,
  record: SentRecord,
  connectKey: string,
  writing: Writing,
  check: CheckHint | undefined,
): Step {
  const { v5, profile } = writing;
  const client = action.client;
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
  return {
    [connectKey]: {
      client,
      clientId: action.emptyId === true ? '' : idOf(action.as ?? client),
      cleanStart: action.clean,
      keepAlive: action.keepAlive ?? 0,
      ...(profile?.credentials !== undefined && {
        username: profile.credentials.username,
        password: profile.credentials.password,
      }),
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
  };
}

function publishSteps(
  action: Action & { do: 'publish' },
  record: SentRecord,
  v5: boolean,
  profile: ExploreProfile | undefined,
): Step[] {
  const client = action.client;
  // 5.0: a PUBLISH the ACL denies may be refused (Reason Code 0x80 or more); the Packet
  // Identifier of a refused QoS 2 PUBLISH and of the one that uses it again is written out.
  const denied = v5 && profile?.acl?.deniedTopics.includes(action.topic) === true;
  const pinned = record.refused === true || action.reuseRefusedId === true;
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
          ...(pinned && record.packetId !== undefined && { packetId: record.packetId }),
          ...(Object.keys(properties).length > 0 && { properties }),
          ...(denied && action.qos > 0 && { expect: {} }),
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
