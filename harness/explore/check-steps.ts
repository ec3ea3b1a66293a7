// The last step of a found scenario: what the model required where the broker disagreed.
import type { CheckHint, Session } from '../model/index.js';

type Step = Record<string, unknown>;

const topicOf = (topic: string): string => topic.replace('~/', '${prefix}');

export function checkSteps(check: CheckHint, _index: number, _session: Session): Step[] {
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
    case 'suback':
      return []; // checked by the subscribe step itself (scenario.ts)
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
