// startBroker's lifecycle: close() ends live connections on every transport and frees the ports;
// a listener that cannot bind fails the start and leaves nothing open.
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isOurs } from './helpers/target.js';
import { connectClient, withTimeout } from './helpers/mqttjs.js';
import { freePort } from '../../../bench/lib/ports.js';
import { startBroker } from '../../../broker/index.js';

describe.runIf(isOurs)('startBroker lifecycle', () => {
  it('close() disconnects tcp and ws clients and releases the ports', async () => {
    const running = await startBroker({ listeners: [{ type: 'tcp' }, { type: 'ws' }], sysIntervalMs: 0 });
    const [tcp, ws] = running.addresses;
    const clients = await Promise.all([
      connectClient(tcp!.url),
      connectClient(ws!.url, { protocolVersion: 5 }),
    ]);
    const closed = clients.map(
      (c) => new Promise<void>((resolve) => c.client.once('close', () => resolve())),
    );
    await withTimeout(running.close(), 5000, 'broker close');
    await withTimeout(Promise.all(closed), 5000, 'clients closed');
    expect(running.broker.stats.clientsConnected).toBe(0);
    // the ports are free again: bind them ourselves
    for (const address of [tcp!, ws!]) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, '127.0.0.1', () => resolve());
      });
      expect((server.address() as AddressInfo).port).toBe(address.port);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await expect(running.close()).resolves.toBeUndefined(); // idempotent
  });

  it('a port in use fails the start with EADDRINUSE and closes the listeners already opened', async () => {
    const blocker = createServer();
    const busy = await new Promise<number>((resolve) =>
      blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)),
    );
    const first = await freePort();
    try {
      await expect(
        startBroker({
          listeners: [
            { type: 'tcp', port: first },
            { type: 'tcp', port: busy },
          ],
          sysIntervalMs: 0,
        }),
      ).rejects.toMatchObject({ code: 'EADDRINUSE' });
      const probe = createServer();
      await new Promise<void>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(first, '127.0.0.1', () => resolve());
      });
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
