// Scenario generation from recordings built in memory: every generated file must validate, and the
// rules of docs/record.md hold (prefixed topics, captured broker values, left-out messages, branches
// joined only where order between clients matters, how connections end, redaction, client filter).
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generateScenario, recordingToYaml } from '../../harness/record/index.js';
import { parseScenario } from '../../harness/scenario/index.js';
import { connect, FakeSession, publish } from './helpers.js';

function generate(session: FakeSession, options: Parameters<typeof recordingToYaml>[1] = { name: 'rec' }) {
  const yaml = recordingToYaml(session.recording(), options);
  const { issues } = parseScenario(yaml, 'rec.yaml');
  expect(issues.map((issue) => `${issue.line}: ${issue.path}: ${issue.message}`)).toEqual([]);
  return { yaml, doc: parse(yaml) as { steps: Record<string, unknown>[]; clients: Record<string, unknown> } };
}

/** Opens a connection whose client connects as `clientId` and is accepted; its id. */
function connected(s: FakeSession, clientId: string): number {
  const id = s.open();
  s.packet(id, 'client', connect(clientId));
  s.packet(id, 'broker', { type: 'connack', sessionPresent: false, reasonCode: 0 });
  return id;
}

/** A SUBSCRIBE of one filter and the SUBACK granting the QoS asked for. */
function subscribed(s: FakeSession, id: number, packetId: number, topicFilter: string, qos: 0 | 1 | 2): void {
  s.packet(id, 'client', { type: 'subscribe', packetId, subscriptions: [{ topicFilter, qos }] });
  s.packet(id, 'broker', { type: 'suback', packetId, reasonCodes: [qos] });
}

/** Two clients: a subscriber, then a publisher whose QoS 1 message it receives. */
function pubSub(): FakeSession {
  const s = new FakeSession();
  const sub = connected(s, 'sub');
  subscribed(s, sub, 3, 'home/#', 1);
  const pub = connected(s, 'pub');
  s.packet(pub, 'client', publish('home/t', 'on', { qos: 1, packetId: 9 }));
  s.packet(sub, 'broker', publish('home/t', 'on', { qos: 1, packetId: 42 }));
  s.packet(pub, 'broker', { type: 'puback', packetId: 9 });
  s.packet(sub, 'client', { type: 'puback', packetId: 42 });
  s.packet(pub, 'client', { type: 'disconnect' });
  s.end(pub, 'client');
  s.end(pub, 'broker');
  return s;
}

describe('generateScenario', () => {
  it('writes sends and unordered expects, prefixes topics and captures the broker packet id', () => {
    const { yaml, doc } = generate(pubSub());
    expect(Object.keys(doc.clients)).toEqual(['sub', 'pub']);
    expect(yaml).toContain('topicFilter: "${prefix}home/#"');
    expect(yaml).toContain('clientId: "${clientId.pub}"');
    expect(yaml).toContain('capture: { packetId: pid1 }');
    // The subscriber acknowledged in the usual way: its scenario client does it by itself.
    expect(doc.clients).toEqual({ sub: { autoAck: true }, pub: {} });
    expect(yaml).not.toContain('type: puback, packetId: "${pid1}"');
    expect(yaml).toContain('disconnect: { client: pub }');
    expect(yaml).not.toContain('expectClosed');
    expect(yaml).not.toContain('wait:');
    // The publish depends on the subscription: the subscriber's steps end before the publisher acts.
    expect(doc.steps[0]).toHaveProperty('parallel');
    expect(doc.steps[1]).toHaveProperty('parallel');
  });

  it('keeps the acknowledgements of a client that held one back, after the expect that captures the id', () => {
    const s = pubSub();
    const sub = 1;
    s.packet(sub, 'broker', publish('home/t', 'second', { qos: 1, packetId: 43 }));
    s.end(sub, 'client', 'reset'); // never acknowledged: the broker would send it again to the session
    const { doc, yaml } = generate(s);
    expect(doc.clients).toEqual({ sub: {}, pub: {} });
    const lines = yaml.split('\n');
    const capture = lines.findIndex((line) => line.includes('capture: { packetId: pid1 }'));
    const ack = lines.findIndex((line) => line.includes('packet: { type: puback, packetId: "${pid1}" }'));
    expect(capture).toBeGreaterThan(0);
    expect(ack).toBeGreaterThan(capture);
  });

  it('expects a delivery only where the client needs it, so a broker may deliver later', () => {
    // Recorded on a broker that delivers QoS 2 at PUBLISH: the delivery came before the PUBREC.
    const s = new FakeSession();
    const id = connected(s, 'self');
    subscribed(s, id, 1, 'me', 2);
    s.packet(id, 'client', publish('me', 'x', { qos: 2, packetId: 2 }));
    s.packet(id, 'broker', publish('me', 'x', { qos: 2, packetId: 1 }));
    s.packet(id, 'broker', { type: 'pubrec', packetId: 2 });
    s.packet(id, 'client', { type: 'pubrec', packetId: 1 });
    s.packet(id, 'client', { type: 'pubrel', packetId: 2 });
    s.packet(id, 'broker', { type: 'pubrel', packetId: 1 });
    s.packet(id, 'broker', { type: 'pubcomp', packetId: 2 });
    s.packet(id, 'client', { type: 'pubcomp', packetId: 1 });
    s.packet(id, 'client', { type: 'disconnect' });
    s.end(id, 'client');
    const { doc } = generate(s);
    const shape = doc.steps.map((step) => {
      const [kind, body] = Object.entries(step)[0] as [
        string,
        { packet?: { type: string; packetId?: unknown } },
      ];
      return `${kind}:${body.packet?.type ?? ''}`;
    });
    // The PUBREL follows the PUBREC it answers; the delivery is expected after it (a broker that
    // delivers at PUBREL passes too), then everything else before the DISCONNECT.
    expect(shape).toEqual([
      'send:connect',
      'expect:connack',
      'send:subscribe',
      'send:publish',
      'expect:pubrec',
      'send:pubrel',
      'expect:suback',
      'expect:publish',
      'expect:pubrel',
      'expect:pubcomp',
      'disconnect:',
    ]);
  });

  it('expects what was delivered before an UNSUBSCRIBE of its topic, and before a DISCONNECT', () => {
    const s = pubSub();
    s.packet(1, 'client', { type: 'unsubscribe', packetId: 4, topicFilters: ['home/#'] });
    s.packet(1, 'broker', { type: 'unsuback', packetId: 4 });
    s.packet(1, 'client', { type: 'disconnect' }); // the recording stopped before the close
    const { doc } = generate(s);
    const branch =
      (doc.steps[1] as { parallel: Record<string, { packet?: { type: string } }>[][] }).parallel[1] ?? [];
    const shape = branch.map((step) => {
      const [kind, body] = Object.entries(step)[0]!;
      return `${kind}:${body.packet?.type ?? ''}`;
    });
    expect(shape).toEqual(['expect:publish', 'send:unsubscribe', 'expect:unsuback', 'send:disconnect']);
  });

  it('leaves out messages no recorded client published, and the acknowledgements of them', () => {
    const s = new FakeSession();
    const sub = connected(s, 'sub');
    subscribed(s, sub, 1, 'x', 2);
    s.packet(sub, 'broker', publish('x', 'old retained', { qos: 2, packetId: 5, retain: true }));
    s.packet(sub, 'client', { type: 'pubrec', packetId: 5 });
    s.packet(sub, 'broker', { type: 'pubrel', packetId: 5 });
    s.packet(sub, 'client', { type: 'pubcomp', packetId: 5 });
    const { yaml } = generate(s);
    expect(yaml).toContain("received a message on 'x' that no recorded client published");
    expect(yaml).not.toMatch(/pubrec|pubrel|pubcomp|old retained/);
  });

  it('writes a wait only when a dependency is not proven by the broker (retained QoS 0, then a subscriber)', () => {
    const s = new FakeSession();
    const pub = connected(s, 'pub');
    s.packet(pub, 'client', publish('cfg', 'v1', { retain: true }));
    s.end(pub, 'client', 'fin', 5);
    const sub = s.open();
    s.packet(sub, 'client', connect('sub'), 4, 300);
    s.packet(sub, 'broker', { type: 'connack', sessionPresent: false, reasonCode: 0 });
    subscribed(s, sub, 1, 'cfg', 0);
    s.packet(sub, 'broker', publish('cfg', 'v1', { retain: true }));
    const { doc } = generate(s);
    const kinds = doc.steps.map((step) => Object.keys(step)[0]);
    // The publisher and the subscriber's CONNECT run side by side; the SUBSCRIBE waits for both and
    // then for the recorded gap, since nothing proves the retained QoS 0 message was stored.
    expect(kinds).toEqual(['parallel', 'wait', 'send', 'expect', 'expect']);
    expect(doc.steps[1]).toEqual({ wait: 307 }); // publish at 3 ms, SUBSCRIBE at 310 ms (fake clock)
  });

  it('replays malformed bytes raw, and a broker close as expectClosed with its DISCONNECT reason', () => {
    const s = new FakeSession();
    const id = s.open();
    s.packet(id, 'client', connect('dev', { protocolLevel: 5 }), 5);
    s.packet(id, 'broker', { type: 'connack', sessionPresent: false, reasonCode: 0 }, 5);
    s.bytes(id, 'client', Buffer.from('3605000174787a', 'hex')); // PUBLISH with QoS 3
    s.packet(id, 'broker', { type: 'disconnect', reasonCode: 0x81 }, 5);
    s.end(id, 'broker');
    s.end(id, 'client');
    const { yaml, doc } = generate(s);
    expect(yaml).toMatch(/# dev sent bytes that do not decode \(MALFORMED_PACKET: PUBLISH with QoS 3/);
    expect(doc.steps.slice(2)).toEqual([
      { raw: { client: 'dev', hex: '36 05 00 01 74 78 7a' } },
      { expectClosed: { client: 'dev', disconnectReasonCodes: [0x81] } },
    ]);
  });

  it('captures an assigned client id and accepts 0x00 or 0x10 on PUBACK', () => {
    const s = new FakeSession();
    const id = s.open();
    s.packet(id, 'client', connect('', { protocolLevel: 5 }), 5);
    s.packet(
      id,
      'broker',
      {
        type: 'connack',
        sessionPresent: false,
        reasonCode: 0,
        properties: { assignedClientIdentifier: 'auto-7' },
      },
      5,
    );
    s.packet(id, 'client', publish('nobody', 'x', { qos: 1, packetId: 1 }), 5);
    s.packet(id, 'broker', { type: 'puback', packetId: 1, reasonCode: 0x10 }, 5);
    const { yaml } = generate(s);
    expect(yaml).toContain('capture: { assignedClientIdentifier: assigned1 }');
    expect(yaml).toContain('reasonCode: { anyOf: [ 0, 16 ] }');
    expect(yaml).toMatch(/mqtt: "5.0"/);
  });

  it('redacts payloads and credentials, and keeps only the clients the filter names', () => {
    const s = pubSub();
    const other = s.open();
    s.packet(other, 'client', connect('noise', { username: 'u', password: Buffer.from('secret') }));
    const generated = generateScenario(s.recording(), {
      name: 'rec',
      clientIds: ['sub', 'p*'],
      redact: { payloads: true, credentials: true },
    });
    expect(Object.keys(generated.head['clients'] as object)).toEqual(['sub', 'pub']);
    const { yaml } = generate(s, { name: 'rec', redact: { payloads: true, credentials: true } });
    expect(yaml).not.toMatch(/secret|username|"on"|payload: on/);
    expect(yaml).toContain('payload: { size: 2 }');
  });
});
