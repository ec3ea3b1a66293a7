import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encode } from '../../../wire/index.js';
import { TestClient, connectPacket, startTestBroker } from './helpers.js';
import type { TestBroker } from './helpers.js';

let target: TestBroker;
beforeEach(async () => {
  target = await startTestBroker();
});
afterEach(async () => {
  await target.stop();
});

describe('CONNECT / CONNACK', () => {
  it('accepts a 3.1.1 CONNECT with return code 0 and no session present', async () => {
    const client = await TestClient.open(target.port, 4);
    client.send(connectPacket({ clientId: 'a' }, 4));
    const connack = await client.next('connack');
    expect(connack).toMatchObject({ reasonCode: 0, sessionPresent: false });
    client.close();
  });

  it('accepts MQTT 3.1 (MQIsdp, level 3)', async () => {
    const client = await TestClient.open(target.port, 3);
    client.send(connectPacket({ clientId: 'old' }, 3));
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0 });
    client.close();
  });

  it('[MQTT-3.1.2-2] answers an unsupported 3.x level with CONNACK 0x01 and closes', async () => {
    const client = await TestClient.open(target.port, 4);
    client.send({ ...connectPacket({}, 4), protocolLevel: 2 });
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0x01, sessionPresent: false });
    await client.waitClosed();
  });

  it('[MQTT-3.1.2-2] v5: answers level 6 with CONNACK 0x84', async () => {
    const client = await TestClient.open(target.port, 5);
    client.raw(encode({ ...connectPacket({}, 5), protocolLevel: 6 }, 5));
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0x84 });
    await client.waitClosed();
  });

  it('[MQTT-3.1.2-3] closes on the reserved connect flag', async () => {
    const client = await TestClient.open(target.port, 4);
    client.raw(encode(connectPacket({}, 4), 4, { connectFlags: 0x03 }));
    await client.waitClosed();
    expect(client.packets).toEqual([]);
  });

  it('[MQTT-3.1.3-8] zero-length client id with clean session 0 gets CONNACK 0x02', async () => {
    const client = await TestClient.open(target.port, 4);
    client.send(connectPacket({ clientId: '', cleanStart: false }, 4));
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0x02 });
    await client.waitClosed();
  });

  it('zero-length client id with clean session 1 is accepted (3.1.1)', async () => {
    const client = await TestClient.connect(target.port, { clientId: '' }, 4);
    client.close();
  });

  it('[MQTT-3.1.3-7] v5 assigns a client id', async () => {
    const client = await TestClient.open(target.port, 5);
    client.send(connectPacket({ clientId: '' }, 5));
    const connack = await client.next('connack');
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.assignedClientIdentifier).toMatch(/^auto-/);
    expect(connack.properties?.receiveMaximum).toBe(64);
    expect(connack.properties?.topicAliasMaximum).toBe(16);
    client.close();
  });

  it('[MQTT-3.1.0-1] closes when the first packet is not CONNECT', async () => {
    const client = await TestClient.open(target.port, 4);
    client.send({ type: 'pingreq' });
    await client.waitClosed();
    expect(client.packets).toEqual([]);
  });

  it('[MQTT-3.1.0-2] v5: a second CONNECT gets DISCONNECT 0x82 and close', async () => {
    const client = await TestClient.connect(target.port, {}, 5);
    client.send(connectPacket({}, 5));
    expect(await client.next('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await client.waitClosed();
  });

  it('[MQTT-3.1.0-2] 3.1.1: a second CONNECT closes the connection', async () => {
    const client = await TestClient.connect(target.port, {}, 4);
    client.send(connectPacket({}, 4));
    await client.waitClosed();
  });

  it('v5: CONNECT with an authentication method gets CONNACK 0x8C', async () => {
    const client = await TestClient.open(target.port, 5);
    client.send(connectPacket({ properties: { authenticationMethod: 'SCRAM-SHA-1' } }, 5));
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0x8c });
    await client.waitClosed();
  });

  it('v5: AUTH after a plain CONNECT gets DISCONNECT 0x82', async () => {
    const client = await TestClient.connect(target.port, {}, 5);
    client.send({ type: 'auth', reasonCode: 0x18 });
    expect(await client.next('disconnect')).toMatchObject({ reasonCode: 0x82 });
    await client.waitClosed();
  });

  it('malformed packet after CONNACK: v5 DISCONNECT 0x81, only that connection closes', async () => {
    const other = await TestClient.connect(target.port, {}, 5);
    const client = await TestClient.connect(target.port, {}, 5);
    client.raw(Buffer.from([0xc0, 0x01, 0x00])); // PINGREQ with remaining length 1
    expect(await client.next('disconnect')).toMatchObject({ reasonCode: 0x81 });
    await client.waitClosed();
    other.send({ type: 'pingreq' });
    await other.next('pingresp');
    other.close();
  });

  it('v5: malformed CONNECT (will QoS without will flag) gets CONNACK 0x81', async () => {
    const client = await TestClient.open(target.port, 5);
    client.raw(encode(connectPacket({}, 5), 5, { connectFlags: 0x0a }));
    expect(await client.next('connack')).toMatchObject({ reasonCode: 0x81 });
    await client.waitClosed();
  });

  it('[MQTT-3.12.4-1] answers PINGREQ', async () => {
    const client = await TestClient.connect(target.port, {}, 4);
    client.send({ type: 'pingreq' });
    await client.next('pingresp');
    client.close();
  });

  it('refuses bad credentials from the authenticate hook (3.1.1 code 4, v5 0x86)', async () => {
    const guarded = await startTestBroker({
      authenticate: ({ password }) => password?.toString() === 'secret',
    });
    try {
      const bad = await TestClient.open(guarded.port, 4);
      bad.send(connectPacket({ username: 'u', password: Buffer.from('nope') }, 4));
      expect(await bad.next('connack')).toMatchObject({ reasonCode: 4 });
      await bad.waitClosed();
      const bad5 = await TestClient.open(guarded.port, 5);
      bad5.send(connectPacket({ username: 'u', password: Buffer.from('nope') }, 5));
      expect(await bad5.next('connack')).toMatchObject({ reasonCode: 0x86 });
      const good = await TestClient.connect(
        guarded.port,
        { username: 'u', password: Buffer.from('secret') },
        4,
      );
      good.close();
    } finally {
      await guarded.stop();
    }
  });

  it('closes a socket that sends no CONNECT in time', async () => {
    const quick = await startTestBroker({ connectTimeoutMs: 100 });
    try {
      const client = await TestClient.open(quick.port, 4);
      await client.waitClosed();
    } finally {
      await quick.stop();
    }
  });

  it('a CONNECT trickled byte by byte does not extend the CONNECT timeout', async () => {
    const quick = await startTestBroker({ connectTimeoutMs: 300 });
    try {
      const client = await TestClient.open(quick.port, 4);
      const bytes = encode(connectPacket({ clientId: 'slow-loris' }, 4), 4);
      // one byte every 100 ms: the whole CONNECT would take longer than ten timeouts
      for (let i = 0; i < bytes.length - 1 && !client.closed; i++) {
        client.raw(bytes.subarray(i, i + 1));
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(client.closed).toBe(true);
      expect(client.packets.some((p) => p.type === 'connack')).toBe(false);
    } finally {
      await quick.stop();
    }
  });

  it('[MQTT-3.1.2-24] closes a client silent for 1.5x keep-alive', async () => {
    const client = await TestClient.connect(target.port, { keepAlive: 1 }, 5);
    expect(await client.next('disconnect', 5000)).toMatchObject({ reasonCode: 0x8d });
    await client.waitClosed();
  });

  it('close() sends v5 DISCONNECT 0x8B and resolves', async () => {
    const client = await TestClient.connect(target.port, {}, 5);
    await target.broker.close();
    expect(await client.next('disconnect')).toMatchObject({ reasonCode: 0x8b });
    await client.waitClosed();
  });
});
