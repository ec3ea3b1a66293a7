// The steps of a protocol violation in a found scenario: the same bytes the executor sent.
import { encode } from '../../wire/index.js';
import type { ClientName, ViolateAction } from '../model/index.js';

/** Fixed topics for the violations (raw bytes cannot hold the per-run prefix). */
export const VIOLATION_TOPICS = {
  wildcard: 'mhx/t/+',
  illFormed: Buffer.from([0x6d, 0x68, 0x78, 0x2f, 0xed, 0xa0, 0x80]),
};

type Step = Record<string, unknown>;

const topicOf = (topic: string): string => topic.replace('~/', '${prefix}');
const idOf = (client: ClientName): string => `\${clientId.${client}}`;

/** The raw PUBLISH of a wildcard-topic or ill-formed-UTF-8 violation (executor and scenario alike). */
export function rawViolation(kind: 'wildcard-topic' | 'ill-formed-utf8', level: 4 | 5): Buffer {
  const publish = {
    type: 'publish',
    payload: Buffer.from(kind === 'wildcard-topic' ? 'wc' : 'u8'),
    qos: 0,
    retain: false,
    dup: false,
  } as const;
  return kind === 'wildcard-topic'
    ? encode({ ...publish, topic: VIOLATION_TOPICS.wildcard }, level)
    : encode({ ...publish, topic: 'x' }, level, { rawStrings: { topic: VIOLATION_TOPICS.illFormed } });
}

export function violationSteps(
  action: ViolateAction,
  connectKey: string,
  v5: boolean,
  credentials?: { username: string; password: string },
): Step[] {
  const client = action.client;
  const level = v5 ? 5 : 4;
  const connect = {
    client,
    clientId: idOf(client),
    cleanStart: true,
    keepAlive: 0,
    ...credentials,
    expect: 'none',
  };
  switch (action.kind) {
    case 'second-connect':
      return [{ connect }];
    case 'qos3': {
      const packet = { type: 'publish', topic: topicOf('~/t/a'), qos: 1, packetId: 1, payload: 'q3' };
      return [{ send: { client, packet, encoding: { flags: 0x06 } } }];
    }
    case 'wildcard-topic':
    case 'ill-formed-utf8':
      return [{ raw: { client, hex: hexOf(rawViolation(action.kind, level)) } }];
    case 'reserved-flag':
      return [{ [connectKey]: { ...connect, encoding: { connectFlags: 0x03 } } }];
    case 'protocol-level':
      return [{ [connectKey]: { ...connect, protocolLevel: 9 } }];
    case 'first-not-connect':
      return [{ send: { client, packet: { type: 'pingreq' } } }];
  }
}

function hexOf(bytes: Buffer): string {
  return bytes.toString('hex').replace(/(..)(?!$)/g, '$1 ');
}
