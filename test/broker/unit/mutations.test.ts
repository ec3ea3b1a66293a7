// Each mutation must change observable behaviour: the same exchange is run against a correct broker
// and against one with the mutation enabled, and the outcomes must differ as described.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encode } from '../../../wire/index.js';
import { MUTATIONS, MUTATION_NAMES } from '../../../broker/mutations.js';
import type { BrokerOptions } from '../../../broker/options.js';
import { scramSha256 } from '../../../broker/auth/scram.js';
import { TestClient, connectPacket } from './helpers.js';
import { both, publish, settled } from './mutant-helpers.js';

/** An ACL that denies every topic under 'denied/'. */
const denyingAcl: BrokerOptions = { authorizePublish: (_client, topic) => !topic.startsWith('denied/') };

describe('mutation catalogue', () => {
  it('has a description and statement ids for every name', () => {
    expect(Object.keys(MUTATIONS).sort()).toEqual([...MUTATION_NAMES].sort());
    expect(MUTATION_NAMES.length).toBeGreaterThanOrEqual(35);
    for (const name of MUTATION_NAMES) {
      expect(MUTATIONS[name].description.length).toBeGreaterThan(10);
      for (const id of MUTATIONS[name].statements) expect(id).toMatch(/^MQTT-\d+\.\d+(\.\d+)?-\d+$/);
    }
  });

  it('has a unit test of its own for every mutant in mutations*.test.ts', () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const sources = readdirSync(here)
      .filter((file) => /^mutations.*\.test\.ts$/.test(file))
      .map((file) => readFileSync(join(here, file), 'utf8'))
      .join('\n');
    expect(MUTATION_NAMES.filter((name) => !sources.includes(`'${name}'`))).toEqual([]);
  });
});

describe('mutations change behaviour', () => {
  it('accept-qos3: a QoS 3 PUBLISH is answered instead of closing', async () => {
    const outcome = await both('accept-qos3', async (port) => {
      const client = await TestClient.connect(port);
      client.raw(encode(publish('t', { qos: 1, packetId: 5 }), 4, { flags: 0x06 }));
      const answer = await client.nextOrClosed('puback');
      return answer === 'closed' ? answer : 'acked';
    });
    expect(outcome).toEqual(['closed', 'acked']);
  });

  it('accept-wildcard-publish-topic: a wildcard topic is routed', async () => {
    const outcome = await both('accept-wildcard-publish-topic', async (port) => {
      const sub = await TestClient.connect(port);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 0 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.raw(encode(publish('a/x'), 4, { rawStrings: { topic: Buffer.from('a/+') } }));
      try {
        // The broker has read the PUBLISH (answered the PINGREQ behind it, or closed), and anything it
        // routed to the subscriber is there before the subscriber's own PINGRESP (was: sleep 300 ms).
        await settled(pub);
        await settled(sub);
        // The test client's strict decoder refuses the forwarded wildcard topic: that is the evidence.
        return sub.decodeError?.message.includes('wildcard') === true ? 'forwarded' : 'not delivered';
      } finally {
        sub.close();
        pub.close();
      }
    });
    expect(outcome).toEqual(['not delivered', 'forwarded']);
  });

  it('accept-invalid-utf8: an ill-formed topic is routed', async () => {
    const outcome = await both('accept-invalid-utf8', async (port) => {
      const pub = await TestClient.connect(port);
      pub.raw(
        encode(publish('x', { qos: 1, packetId: 1 }), 4, {
          rawStrings: { topic: Buffer.from([0x61, 0xff, 0x62]) },
        }),
      );
      const answer = await pub.nextOrClosed('puback');
      return answer === 'closed' ? answer : 'acked';
    });
    expect(outcome).toEqual(['closed', 'acked']);
  });

  it('accept-bad-protocol-level and accept-reserved-connect-flag: CONNECT accepted', async () => {
    const level = await both('accept-bad-protocol-level', async (port) => {
      const client = await TestClient.open(port, 4);
      client.send({ ...connectPacket({}, 4), protocolLevel: 2 });
      return (await client.next('connack')).reasonCode;
    });
    expect(level).toEqual([0x01, 0x00]);
    const flag = await both('accept-reserved-connect-flag', async (port) => {
      const client = await TestClient.open(port, 4);
      client.raw(encode(connectPacket({}, 4), 4, { connectFlags: 0x03 }));
      const answer = await client.nextOrClosed('connack');
      return answer === 'closed' ? answer : answer.reasonCode;
    });
    expect(flag).toEqual(['closed', 0]);
  });

  it('accept-second-connect and accept-first-packet-not-connect: no close', async () => {
    const second = await both('accept-second-connect', async (port) => {
      const client = await TestClient.connect(port);
      client.send(connectPacket({}, 4));
      client.send({ type: 'pingreq' });
      const answer = await client.nextOrClosed('pingresp');
      return answer === 'closed' ? answer : 'open';
    });
    expect(second).toEqual(['closed', 'open']);
    const first = await both('accept-first-packet-not-connect', async (port) => {
      const client = await TestClient.open(port, 4);
      client.send({ type: 'pingreq' });
      client.send(connectPacket({}, 4));
      const answer = await client.nextOrClosed('connack');
      return answer === 'closed' ? answer : answer.reasonCode;
    });
    expect(first).toEqual(['closed', 0]);
  });

  it('qos2-duplicate-delivery: a resent QoS 2 PUBLISH is delivered twice', async () => {
    const counts = await both('qos2-duplicate-delivery', async (port) => {
      const sub = await TestClient.connect(port);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'd', qos: 0 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('d', { qos: 2, packetId: 4 }));
      await pub.next('pubrec');
      pub.send(publish('d', { qos: 2, packetId: 4, dup: true }));
      await pub.next('pubrec');
      pub.send({ type: 'pubrel', packetId: 4 });
      await pub.next('pubcomp');
      await sub.next('publish');
      // Every delivery was written before the PUBCOMP; the subscriber's PINGRESP comes after them all.
      await settled(sub);
      return 1 + sub.packets.filter((p) => p.type === 'publish').length;
    });
    expect(counts).toEqual([1, 2]);
  });

  it('dollar-topics-match-wildcards: # receives $ topics', async () => {
    const got = await both('dollar-topics-match-wildcards', async (port) => {
      const sub = await TestClient.connect(port);
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: '#', qos: 0 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('$x/y'));
      pub.send(publish('marker'));
      return (await sub.next('publish')).topic;
    });
    expect(got).toEqual(['marker', '$x/y']);
  });

  it('no-dup-on-redelivery: resent PUBLISH has DUP 0', async () => {
    const dup = await both('no-dup-on-redelivery', async (port) => {
      const sub = await TestClient.connect(port, { clientId: 's', cleanStart: false });
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'r', qos: 1 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('r', { qos: 1, packetId: 1 }));
      await sub.next('publish');
      sub.close();
      await sub.waitClosed();
      const back = await TestClient.connect(port, { clientId: 's', cleanStart: false });
      return (await back.next('publish')).dup;
    });
    expect(dup).toEqual([true, false]);
  });

  it('reuse-inflight-packet-id: two unacknowledged deliveries share one identifier', async () => {
    const ids = await both('reuse-inflight-packet-id', async (port) => {
      const sub = await TestClient.connect(port, { clientId: 'ids' });
      sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'i', qos: 1 }] });
      await sub.next('suback');
      const pub = await TestClient.connect(port);
      pub.send(publish('i', { qos: 1, packetId: 1 }));
      pub.send(publish('i', { qos: 1, packetId: 2 }));
      const first = await sub.next('publish');
      const second = await sub.next('publish');
      return new Set([first.packetId, second.packetId]).size;
    });
    expect(ids).toEqual([2, 1]);
  });

  it('ignore-maximum-qos: a QoS 2 subscription is granted QoS 2 under Maximum QoS 1', async () => {
    const granted = await both(
      'ignore-maximum-qos',
      async (port) => {
        const client = await TestClient.connect(port, {}, 5);
        client.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'q', qos: 2 }] });
        return (await client.next('suback')).reasonCodes;
      },
      { maximumQoS: 1 },
    );
    expect(granted).toEqual([[1], [2]]);
  });

  it('unauthorized-publish-unacknowledged: a denied 3.1.1 QoS 1 PUBLISH gets no PUBACK', async () => {
    const outcome = await both(
      'unauthorized-publish-unacknowledged',
      async (port) => {
        const client = await TestClient.connect(port);
        client.send(publish('denied/t', { qos: 1, packetId: 4 }));
        // A PUBACK would come before the PINGRESP: no waiting for one that may never come (was 500 ms).
        await settled(client);
        if (client.packets.some((p) => p.type === 'puback')) return 'acked';
        return client.closed ? 'closed' : 'nothing';
      },
      denyingAcl,
    );
    expect(outcome).toEqual(['acked', 'nothing']);
  });

  it('refused-qos2-remembered: the next PUBLISH with a refused packet id is not delivered', async () => {
    const delivered = await both(
      'refused-qos2-remembered',
      async (port) => {
        const sub = await TestClient.connect(port, {}, 5);
        sub.send({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'open/t', qos: 0 }] });
        await sub.next('suback');
        const pub = await TestClient.connect(port, {}, 5);
        pub.send(publish('denied/t', { qos: 2, packetId: 9 }));
        await pub.next('pubrec');
        pub.send(publish('open/t', { qos: 2, packetId: 9 }));
        await pub.next('pubrec');
        // A delivery was written before that PUBREC, so before the subscriber's PINGRESP (was: 500 ms).
        await settled(sub);
        return sub.packets.some((p) => p.type === 'publish') ? 'delivered' : 'not delivered';
      },
      denyingAcl,
    );
    expect(delivered).toEqual(['delivered', 'not delivered']);
  });

  it('auth-continue-success-code: the SCRAM challenge comes in AUTH 0x00 instead of 0x18', async () => {
    const codes = await both(
      'auth-continue-success-code',
      async (port) => {
        const client = await TestClient.open(port, 5);
        const properties = {
          authenticationMethod: 'SCRAM-SHA-256',
          authenticationData: Buffer.from('n,,n=u,r=abc'),
        };
        client.send(connectPacket({ properties }, 5));
        return (await client.next('auth')).reasonCode;
      },
      { enhancedAuthentication: [scramSha256({ u: 'p' }, 4096)] },
    );
    expect(codes).toEqual([0x18, 0]);
  });
});
