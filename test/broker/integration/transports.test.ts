// TLS, WebSocket and secure WebSocket listeners, next to TCP, all feeding the same broker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isOurs, startTarget, type Target } from './helpers/target.js';
import { connectClient, withTimeout } from './helpers/mqttjs.js';
import { makeSelfSignedCertificate, OPENSSL, type Certificate } from './helpers/certificate.js';
import { HAVE_MOSQUITTO_CLIENTS, runTool } from './helpers/mosquitto-clients.js';
import type { ListenerAddress } from '../../../broker/index.js';

describe.runIf(isOurs && OPENSSL !== undefined)('tcp + tls + ws + wss listeners', () => {
  let target: Target;
  let certificate: Certificate;
  let byType: Record<string, ListenerAddress>;

  beforeAll(async () => {
    certificate = await makeSelfSignedCertificate();
    const { cert, key } = certificate;
    target = await startTarget({
      listeners: [
        { type: 'tcp' },
        { type: 'tls', cert, key },
        { type: 'ws', path: '/mqtt' },
        { type: 'wss', cert, key },
      ],
    });
    byType = Object.fromEntries(target.running!.addresses.map((a) => [a.type, a]));
  });
  afterAll(async () => {
    await target?.close();
    await certificate?.dispose();
  });

  it('binds every listener on a distinct free port and reports its URL', () => {
    const ports = target.running!.addresses.map((a) => a.port);
    expect(new Set(ports).size).toBe(4);
    expect(byType['ws']!.url).toBe(`ws://127.0.0.1:${byType['ws']!.port}/mqtt`);
    expect(byType['tls']!.url).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each([4, 5] as const)(
    'routes messages between all four transports (protocolVersion %i)',
    async (protocolVersion) => {
      const ca = certificate.cert;
      const clients = await Promise.all([
        connectClient(target.url, { protocolVersion }),
        connectClient(byType['tls']!.url, { protocolVersion, ca, rejectUnauthorized: true }),
        connectClient(byType['ws']!.url, { protocolVersion }),
        connectClient(byType['wss']!.url, { protocolVersion, ca, rejectUnauthorized: true }),
      ]);
      try {
        for (const c of clients) await c.subscribe(`transport/${protocolVersion}/#`, { qos: 1 });
        const names = ['tcp', 'tls', 'ws', 'wss'];
        for (const [i, c] of clients.entries())
          await c.publish(`transport/${protocolVersion}/${names[i]}`, names[i]!, { qos: 1 });
        for (const c of clients) {
          await c.waitFor(() => c.messages.length >= 4, 'a message from every transport');
          expect(c.messages.map((m) => m.payload).sort()).toEqual([...names].sort());
        }
      } finally {
        await Promise.all(clients.map((c) => c.end()));
      }
    },
  );

  it('the WebSocket listener selects the mqtt subprotocol [MQTT-6.0.0-3] and refuses others', async () => {
    const open = (protocols: string[]) =>
      withTimeout(
        new Promise<string>((resolve, reject) => {
          const ws = new WebSocket(byType['ws']!.url, protocols);
          ws.once('open', () => {
            const chosen = ws.protocol;
            ws.terminate();
            resolve(chosen);
          });
          ws.once('error', reject);
        }),
        5000,
        'websocket handshake',
      );
    await expect(open(['mqtt'])).resolves.toBe('mqtt');
    await expect(open(['chat'])).rejects.toThrow();
  });

  it('a TLS client that does not trust the certificate is refused, the listener keeps serving', async () => {
    await expect(connectClient(byType['tls']!.url, { rejectUnauthorized: true })).rejects.toThrow();
    const ok = await connectClient(byType['tls']!.url, { ca: certificate.cert });
    await ok.end();
  });

  it.runIf(HAVE_MOSQUITTO_CLIENTS)('mosquitto_pub over TLS with --cafile', async () => {
    const sub = await connectClient(target.url, { protocolVersion: 5 });
    try {
      await sub.subscribe('transport/mosq-tls', { qos: 1 });
      const port = String(byType['tls']!.port);
      const result = await runTool('mosquitto_pub', [
        '-h',
        '127.0.0.1',
        '-p',
        port,
        '--cafile',
        certificate.certFile,
        '-t',
        'transport/mosq-tls',
        '-m',
        'secure',
        '-q',
        '1',
      ]);
      expect(result.code, result.stderr).toBe(0);
      const m = await sub.waitFor((x) => x.topic === 'transport/mosq-tls', 'message over TLS');
      expect(m.payload).toBe('secure');
    } finally {
      await sub.end();
    }
  });
});
