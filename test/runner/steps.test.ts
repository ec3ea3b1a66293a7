// Each kind of step failing against a broker that misbehaves in that way, over real sockets to a
// scripted fake broker; plus the verdict rules (skips, warnings, deviations, timeouts, abort).
// Steps that should succeed get all the time a busy machine needs (PATIENT); a test whose claim is a
// timeout names it on the step itself, and asserts the step's outcome, never how long it took.
import { afterEach, describe, expect, it } from 'vitest';
import {
  CONNACK_311,
  CONNACK_5,
  fakeTarget,
  runAgainst as runWith,
  startFakeBroker,
  type FakeBroker,
  type Script,
} from './fake-broker.js';

const CONNECT = 1;
const SUBSCRIBE = 8;
const PINGREQ = 12;
let broker: FakeBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
});

/** Defaults far above any reply time, so that a busy machine cannot turn a reply into a timeout. */
const PATIENT = { stepTimeout: 10_000, scenarioTimeout: 60_000 };

function runAgainst(...[t, yaml, options = {}]: Parameters<typeof runWith>): ReturnType<typeof runWith> {
  return runWith(t, yaml, { ...PATIENT, ...options });
}

/** Resolves once `done()` holds, checking every 10 ms; gives up after `limitMs` (the assertion then says why). */
async function until(done: () => boolean, limitMs = 10_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

async function target(script: Script, options: Parameters<typeof fakeTarget>[1] = {}) {
  broker = await startFakeBroker(script);
  return fakeTarget(broker.port, options);
}

/** Accepts CONNECT, answers PINGREQ; everything else is ignored. */
const polite: Script = (type, _frame, c) => {
  if (type === CONNECT) c.send(CONNACK_311);
  if (type === PINGREQ) c.send('d0 00');
};

describe('connect', () => {
  it('passes on CONNACK 0 and records the steps', async () => {
    const result = await runAgainst(await target(polite), 'name: t\nsteps:\n  - connect: {}\n  - ping: {}\n');
    expect(result.verdict).toBe('passed');
    expect(result.steps?.map((s) => `${s.kind}:${s.status}`)).toEqual(['connect:passed', 'ping:passed']);
  });

  it('fails on a refusing CONNACK, with the packet as evidence', async () => {
    const t = await target((type, _f, c) => type === CONNECT && c.send('20 02 00 05'));
    const result = await runAgainst(t, 'name: t\nsteps:\n  - wait: 1\n  - connect: {}\n');
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('unexpected CONNACK (20 02 00 05): reasonCode: expected 0, got 5');
    expect(result.failure).toMatchObject({
      stepIndex: 1,
      stepKind: 'connect',
      location: 'test.yaml:4',
      client: 'a',
      expected: [{ packet: { type: 'connack', reasonCode: 0 } }],
    });
    expect(result.failure?.received).toEqual([
      expect.objectContaining({
        client: 'a',
        event: 'packet',
        hex: '20 02 00 05',
        decoded: { type: 'connack', sessionPresent: false, reasonCode: 5 },
      }),
    ]);
  });

  it('fails when no CONNACK comes', async () => {
    const result = await runAgainst(
      await target(() => undefined),
      'name: t\nsteps:\n  - connect: { timeout: 300 }\n',
    );
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('nothing matching arrived within 300 ms');
    expect(result.failure?.received).toEqual([]);
  });

  it('fails on bytes that are not a valid packet and shows them in hex', async () => {
    const t = await target((type, _f, c) => type === CONNECT && c.send('20 02 07 00'));
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n');
    expect(result.verdict).toBe('failed');
    expect(result.reason).toMatch(/^unexpected undecodable bytes \(MALFORMED_PACKET/);
    expect(result.failure?.received?.[0]).toMatchObject({ hex: '20 02 07 00', event: 'error' });
    expect(result.failure?.received?.[0]?.decodeError).toMatch(/MALFORMED_PACKET/);
  });

  it('fails with the transport error when the broker refuses connections', async () => {
    const t = await target(polite);
    await broker!.close();
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n');
    expect(result.verdict).toBe('failed');
    expect(result.reason).toMatch(/^connect to 127\.0\.0\.1:\d+ failed: ECONNREFUSED/);
    expect(result.failure).toMatchObject({ stepKind: 'connect', client: 'a' });
  });

  it('skips when a v5 CONNACK denies a required capability', async () => {
    const t = await target((type, _f, c) => type === CONNECT && c.send('20 05 00 00 02 25 00'));
    const yaml =
      "name: t\nrequires: [retain]\nmqtt: '5.0'\nsteps:\n  - connect: {}\n  - expect: { packet: { type: pingresp } }\n";
    const result = await runAgainst(t, yaml, { version: '5.0' });
    expect(result.verdict).toBe('skipped');
    expect(result.reason).toBe("the broker's CONNACK says it lacks: retain");
  });

  it('does not skip when the denied capability is not required', async () => {
    const t = await target((type, _f, c) => {
      if (type === CONNECT) c.send('20 05 00 00 02 25 00');
      if (type === PINGREQ) c.send('d0 00');
    });
    const result = await runAgainst(t, "name: t\nmqtt: '5.0'\nsteps:\n  - connect: {}\n  - ping: {}\n", {
      version: '5.0',
    });
    expect(result.verdict).toBe('passed');
  });
});

describe('expectations', () => {
  const chatty: Script = (type, _f, c) => {
    if (type === CONNECT) {
      c.send(CONNACK_311);
      c.send('d0 00'); // an unsolicited PINGRESP
    }
  };

  it('expect fails on a packet that does not match', async () => {
    const result = await runAgainst(
      await target(chatty),
      'name: t\nsteps:\n  - connect: {}\n  - expect: { packet: { type: puback, packetId: 1 } }\n',
    );
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('unexpected PINGRESP (d0 00): type: expected "puback", got "pingresp"');
    expect(result.failure?.stepIndex).toBe(1);
  });

  it('expect with skipUnmatched skips it and then times out', async () => {
    const yaml =
      'name: t\nsteps:\n  - connect: {}\n  - expect: { packet: { type: puback }, skipUnmatched: true, timeout: 1000 }\n';
    const result = await runAgainst(await target(chatty), yaml);
    expect(result.reason).toBe('nothing matching arrived within 1000 ms');
    expect(result.failure?.received?.map((r) => (r.decoded as { type: string }).type)).toEqual([
      'connack',
      'pingresp',
    ]);
  });

  it('oneOf accepts any listed alternative', async () => {
    const yaml =
      'name: t\nsteps:\n  - connect: {}\n  - expect: { oneOf: [{ closed: true }, { packet: { type: pingresp } }] }\n';
    expect((await runAgainst(await target(chatty), yaml)).verdict).toBe('passed');
  });

  it('expectNothing fails when something arrives', async () => {
    const yaml = 'name: t\nsteps:\n  - connect: {}\n  - expectNothing: { duration: 200 }\n';
    const result = await runAgainst(await target(chatty), yaml);
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('expected nothing for 200 ms, got PINGRESP (d0 00)');
  });

  it('expectNothing with types ignores other packets', async () => {
    const yaml = 'name: t\nsteps:\n  - connect: {}\n  - expectNothing: { duration: 100, types: [publish] }\n';
    expect((await runAgainst(await target(chatty), yaml)).verdict).toBe('passed');
  });

  it('expectAll fails when one of the expectations is not met', async () => {
    const t = await target((type, _f, c) => {
      if (type === CONNECT) c.send(CONNACK_311);
      if (type === SUBSCRIBE) c.send('90 03 00 01 00 30 05 00 01 74 68 69'); // SUBACK, then PUBLISH t "hi"
    });
    const yaml = [
      'name: t',
      'steps:',
      '  - connect: { client: a }',
      '  - connect: { client: b }',
      '  - subscribe: { client: a, filter: t }',
      '  - expectAll:',
      // Long enough for a's PUBLISH (sent at once) on a busy machine; b's never comes.
      '      - { client: a, packet: { type: publish, topic: t, payload: hi }, timeout: 2000 }',
      '      - { client: b, packet: { type: publish, topic: t, payload: hi }, timeout: 2000 }',
    ].join('\n');
    const result = await runAgainst(t, yaml);
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('1 of 2 expectations not met within 2000 ms');
    expect(result.failure?.expected).toEqual([
      { client: 'b', packet: { type: 'publish', topic: 't', payload: 'hi' } },
    ]);
  });

  describe('capture', () => {
    const PUBACK = 4;
    /** After SUBSCRIBE: SUBACK, then a QoS 1 PUBLISH with packet id 740 (02 e4); on PUBACK, that PUBLISH again. */
    function chosenIds(acks: number[], resend: string): Script {
      return (type, frame, c) => {
        if (type === CONNECT) c.send(CONNACK_311);
        if (type === SUBSCRIBE) c.send('90 03 00 01 01 32 07 00 01 74 02 e4 68 69');
        if (type === PUBACK) {
          acks.push(frame.readUInt16BE(2));
          c.send(resend);
        }
      };
    }
    const yaml = [
      'name: t',
      'steps:',
      '  - connect: {}',
      '  - subscribe: { filter: t, qos: 1 }',
      '  - expect: { packet: { type: publish, qos: 1 }, capture: { packetId: pid } }',
      "  - send: { packet: { type: puback, packetId: '${pid}' } }",
      "  - expect: { packet: { type: publish, packetId: '${pid}', payload: hi } }",
    ].join('\n');

    it('keeps the server-chosen packet id for later send and expect steps', async () => {
      const acks: number[] = [];
      const result = await runAgainst(await target(chosenIds(acks, '3a 07 00 01 74 02 e4 68 69')), yaml);
      expect(result.reason).toBeUndefined();
      expect(result.verdict).toBe('passed');
      expect(acks).toEqual([740]);
    });

    it('fails when a later packet does not carry the captured id', async () => {
      const acks: number[] = [];
      const result = await runAgainst(await target(chosenIds(acks, '3a 07 00 01 74 02 e5 68 69')), yaml);
      expect(result.verdict).toBe('failed');
      expect(result.reason).toMatch(/packetId: expected 740 \(0x2e4\), got 741/);
    });
  });

  describe('expectCount', () => {
    /** On each SUBSCRIBE: SUBACK, then PUBLISH t "hi" to that client when `deliver` says so. */
    function shared(deliver: (nth: number) => boolean): Script {
      let subscribes = 0;
      return (type, _f, c) => {
        if (type === CONNECT) c.send(CONNACK_311);
        if (type === SUBSCRIBE) {
          c.send('90 03 00 01 00');
          if (deliver(subscribes++)) c.send('30 05 00 01 74 68 69');
        }
      };
    }
    const yaml = [
      'name: t',
      'steps:',
      '  - connect: { client: a }',
      '  - connect: { client: b }',
      '  - subscribe: { client: a, filter: t }',
      '  - subscribe: { client: b, filter: t }',
      '  - expectCount: { clients: [a, b], packet: { type: publish, topic: t }, count: 1, duration: 1000 }',
    ].join('\n');

    it('passes when exactly one of the clients gets the packet', async () => {
      const result = await runAgainst(await target(shared((n) => n === 1)), yaml);
      expect(result.reason).toBeUndefined();
      expect(result.verdict).toBe('passed');
    });

    it('fails when every client gets a copy', async () => {
      const result = await runAgainst(await target(shared(() => true)), yaml);
      expect(result.verdict).toBe('failed');
      expect(result.reason).toBe('expected 1 matching packet(s) across a, b, got more: 2 (a: 1, b: 1)');
    });

    it('fails when none gets it', async () => {
      const result = await runAgainst(await target(shared(() => false)), yaml);
      expect(result.reason).toBe(
        'expected 1 matching packet(s) across a, b within 1000 ms, got 0 (a: 0, b: 0)',
      );
    });
  });

  it('expectClosed fails while the connection stays open', async () => {
    const result = await runAgainst(
      await target(polite),
      'name: t\nsteps:\n  - connect: {}\n  - expectClosed: { timeout: 300 }\n',
    );
    expect(result.reason).toBe('the connection was still open after 300 ms');
  });

  it('expectClosed checks the DISCONNECT reason code', async () => {
    const t = await target((type, _f, c) => {
      if (type === CONNECT) {
        c.send(CONNACK_5);
        c.send('e0 01 81');
        c.socket.end();
      }
    });
    const yaml =
      "name: t\nmqtt: '5.0'\nsteps:\n  - connect: {}\n  - expectClosed: { disconnectReasonCodes: [0x82] }\n";
    const result = await runAgainst(t, yaml, { version: '5.0' });
    expect(result.reason).toBe('DISCONNECT reason 129 (0x81) is not one of 130 (0x82)');
  });

  it('sees a reset connection as closed, and reports it as a reset', async () => {
    const t = await target((type, _f, c) => type === CONNECT && c.socket.resetAndDestroy());
    const pass = await runAgainst(
      t,
      'name: t\nsteps:\n  - connect: { expect: { oneOf: [{ closed: true }] } }\n',
    );
    expect(pass.verdict).toBe('passed');
    const fail = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n');
    expect(fail.reason).toMatch(/^unexpected connection reset/);
    expect(fail.failure?.received?.[0]).toMatchObject({ event: 'reset' });
  });
});

describe('request steps', () => {
  it('subscribe fails on a refusing SUBACK', async () => {
    const t = await target((type, _f, c) => {
      if (type === CONNECT) c.send(CONNACK_311);
      if (type === SUBSCRIBE) c.send('90 03 00 01 80');
    });
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n  - subscribe: { filter: t }\n');
    expect(result.reason).toBe('SUBACK reports failure: 0x80');
  });

  it('publish at QoS 1 fails without PUBACK', async () => {
    const result = await runAgainst(
      await target(polite),
      'name: t\nsteps:\n  - connect: {}\n  - publish: { topic: t, qos: 1, timeout: 300 }\n',
    );
    expect(result.reason).toBe('no PUBACK within 300 ms');
  });

  it('ping fails without PINGRESP', async () => {
    const t = await target((type, _f, c) => type === CONNECT && c.send(CONNACK_311));
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n  - ping: { timeout: 300 }\n');
    expect(result.reason).toBe('no PINGRESP within 300 ms');
  });

  it('send and raw put exactly the given bytes on the wire', async () => {
    const seen: string[] = [];
    const t = await target((type, frame, c) => {
      seen.push(frame.toString('hex'));
      if (type === CONNECT) c.send(CONNACK_311);
    });
    const yaml = [
      'name: t',
      'steps:',
      '  - connect: { clientId: c1, keepAlive: 10 }',
      '  - send: { packet: { type: publish, topic: t, payload: hi }, encoding: { flags: 0x0f } }',
      "  - raw: { hex: 'c0 00  # PINGREQ' }",
      '  - wait: 100',
    ].join('\n');
    expect((await runAgainst(t, yaml)).verdict).toBe('passed');
    await until(() => seen.length >= 3); // the fake broker reads on its own schedule
    expect(seen).toEqual([
      '100e00044d5154540402000a00026331', // CONNECT: MQTT, level 4, clean session, keep alive 10, id c1
      '3f050001746869', // PUBLISH t "hi" with the fixed-header flags forced to 0x0f
      'c000', // PINGREQ
    ]);
  });
});

describe('verdicts', () => {
  const refusing: Script = (type, _f, c) => type === CONNECT && c.send('20 02 00 05');

  it('a failing should-level scenario is a warning', async () => {
    const result = await runAgainst(
      await target(refusing),
      'name: t\nlevel: should\nsteps:\n  - connect: {}\n',
    );
    expect(result.verdict).toBe('warning');
  });

  it('a failure listed as a known deviation is a deviation', async () => {
    const t = await target(refusing, {
      knownDeviations: [{ scenario: 't', statement: 'MQTT-3.1.4-5', description: 'refuses everyone' }],
    });
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n');
    expect(result.verdict).toBe('deviation');
    expect(result.reason).toMatch(/^known deviation \(MQTT-3\.1\.4-5\): refuses everyone/);
  });

  it('names a target that died in the failure reason', async () => {
    let alive = true;
    const t = await target(
      (type, _f, c) => {
        if (type === CONNECT) {
          alive = false;
          c.socket.destroy();
        }
      },
      { alive: () => alive },
    );
    const result = await runAgainst(t, 'name: t\nsteps:\n  - connect: {}\n');
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe(
      "target 'fake' stopped: unexpected connection closed: expected CONNACK, got connection closed",
    );
  });

  it('a target without a required capability skips the scenario', async () => {
    const t = await target(polite, { capabilities: ['mqtt-3.1.1', 'qos1'] });
    const result = await runAgainst(t, 'name: t\nrequires: [qos2, retain]\nsteps:\n  - connect: {}\n');
    expect(result).toMatchObject({ verdict: 'skipped', reason: "target 'fake' lacks: qos2, retain" });
    expect(broker!.connections).toBe(0);
  });

  it('the scenario timeout fails the step that was running', async () => {
    const result = await runAgainst(
      await target(polite),
      // Long enough for the connect on a busy machine; the wait outlasts it by far.
      'name: t\ntimeout: 2000\nsteps:\n  - connect: {}\n  - wait: 60000\n',
      {},
    );
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('scenario timed out after 2000 ms');
    expect(result.failure?.stepKind).toBe('wait');
  });

  it('an aborted run marks the running scenario as interrupted', async () => {
    const controller = new AbortController();
    const pending = runAgainst(await target(polite), 'name: t\nsteps:\n  - connect: {}\n  - wait: 5000\n', {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error('interrupted')), 100);
    expect(await pending).toMatchObject({ verdict: 'skipped', reason: 'interrupted' });
  });

  it('a failing parallel branch stops the others and is the reported failure', async () => {
    const yaml = [
      'name: t',
      'steps:',
      '  - connect: {}',
      '  - parallel:',
      '      - - wait: 3000',
      '      - - expect: { packet: { type: puback }, timeout: 100 }',
    ].join('\n');
    const result = await runAgainst(await target(polite), yaml);
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe('nothing matching arrived within 100 ms');
    expect(result.failure?.stepKind).toBe('expect');
  });
});

describe('when', () => {
  const v5 =
    (connack: string): Script =>
    (type, _frame, c) => {
      if (type === CONNECT) c.send(connack);
      if (type === PINGREQ) c.send('d0 00');
    };
  const yaml = [
    'name: t',
    "mqtt: '5.0'",
    'steps:',
    '  - connect: {}',
    '  - when:',
    '      connack: { maximumQoS: { max: 1 }, retainAvailable: 1 }',
    '      then: [{ ping: {} }]',
    '      else: [{ expect: { packet: { type: puback }, timeout: 100 } }]',
  ].join('\n');

  it('takes `then` when the CONNACK announces what the condition asks (absent Retain Available is 1)', async () => {
    const result = await runAgainst(await target(v5('20 05 00 00 02 24 01')), yaml, { version: '5.0' });
    expect(result.reason).toBeUndefined();
    expect(result.verdict).toBe('passed');
    expect(result.steps?.map((s) => `${s.kind}:${s.status}`)).toContain('ping:passed');
  });

  it('takes `else` when an absent property holds its default (Maximum QoS 2)', async () => {
    const result = await runAgainst(await target(v5(CONNACK_5)), yaml, { version: '5.0' });
    expect(result.verdict).toBe('failed');
    expect(result.failure?.stepKind).toBe('expect');
  });

  it('fails when the client has no CONNACK to branch on', async () => {
    const result = await runAgainst(
      await target(polite),
      'name: t\nsteps:\n  - when: { client: b, connack: { maximumQoS: 2 }, then: [{ wait: 1 }] }\n',
    );
    expect(result.verdict).toBe('failed');
    expect(result.reason).toBe("when: client 'b' has received no CONNACK yet");
  });
});
