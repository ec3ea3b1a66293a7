// Raw transports against real local servers: TCP close kinds (FIN vs RST), WebSocket with the
// 'mqtt' subprotocol and binary frames, TLS with a CA, and connect timeouts.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { openConnection, type CloseInfo, type Connection } from '../../harness/transport/index.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function tcpServer(onSocket: (socket: Socket) => void): Promise<number> {
  const server = createServer(onSocket);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  closers.push(
    () =>
      new Promise((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  );
  return listen(server);
}

function closed(connection: Connection): Promise<CloseInfo> {
  return new Promise((resolve) => connection.onClose(resolve));
}

function firstData(connection: Connection): Promise<Buffer> {
  return new Promise((resolve) => connection.onData(resolve));
}

describe('tcp', () => {
  it('carries bytes both ways and reports a peer FIN as fin', async () => {
    const port = await tcpServer((socket) =>
      socket.once('data', (data: Buffer) => socket.end(Buffer.concat([Buffer.from('echo:'), data]))),
    );
    const connection = await openConnection({ transport: 'tcp', host: '127.0.0.1', port });
    const data = firstData(connection);
    connection.write(Buffer.from('hi'));
    expect((await data).toString()).toBe('echo:hi');
    expect(await closed(connection)).toEqual({ kind: 'fin' });
  });

  it('reports a peer reset as reset', async () => {
    const port = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const connection = await openConnection({ transport: 'tcp', host: '127.0.0.1', port });
    connection.write(Buffer.from('x'));
    expect(await closed(connection)).toMatchObject({
      kind: 'reset',
      error: expect.stringMatching(/^ECONNRESET/),
    });
  });

  it('fails with reason refused on a closed port', async () => {
    const port = await tcpServer(() => undefined);
    await closers.pop()!();
    await expect(openConnection({ transport: 'tcp', host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'HARNESS_TRANSPORT_FAILED',
      reason: 'refused',
    });
  });

  it('reports a local close as local', async () => {
    const port = await tcpServer(() => undefined);
    const connection = await openConnection({ transport: 'tcp', host: '127.0.0.1', port });
    const info = closed(connection);
    connection.destroy();
    expect(await info).toEqual({ kind: 'local' });
  });
});

describe('websocket', () => {
  it("offers the 'mqtt' subprotocol and sends binary frames", async () => {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
    });
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    await new Promise((resolve) => server.once('listening', resolve));
    const received = new Promise<{ protocol: string; path: string; binary: boolean; data: string }>(
      (resolve) => {
        server.on('connection', (socket, request) => {
          socket.once('message', (data: Buffer, binary: boolean) => {
            resolve({
              protocol: socket.protocol,
              path: request.url ?? '',
              binary,
              data: data.toString('hex'),
            });
            socket.send(Buffer.from([0x20, 0x02, 0x00, 0x00]));
          });
        });
      },
    );
    const port = (server.address() as AddressInfo).port;
    const connection = await openConnection({ transport: 'ws', host: '127.0.0.1', port });
    const reply = firstData(connection);
    connection.write(Buffer.from([0xc0, 0x00]));
    expect(await received).toEqual({ protocol: 'mqtt', path: '/mqtt', binary: true, data: 'c000' });
    expect((await reply).toString('hex')).toBe('20020000');
    const info = closed(connection);
    connection.end();
    expect(await info).toEqual({ kind: 'local' });
  });

  it('times out when the server never answers the upgrade', async () => {
    const port = await tcpServer(() => undefined);
    await expect(
      openConnection({ transport: 'ws', host: '127.0.0.1', port }, { timeoutMs: 200 }),
    ).rejects.toMatchObject({
      code: 'HARNESS_TRANSPORT_FAILED',
      reason: 'timeout',
    });
  });
});

describe('tls', () => {
  let cert: { key: Buffer; cert: Buffer };
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), 'harness-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  });

  async function tlsServer(): Promise<number> {
    const server = createTlsServer({ key: cert.key, cert: cert.cert }, (socket) =>
      socket.once('data', (d: Buffer) => socket.end(d)),
    );
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    return listen(server);
  }

  it('connects when the CA is given and verification is on', async () => {
    const port = await tlsServer();
    const connection = await openConnection({
      transport: 'tls',
      host: '127.0.0.1',
      port,
      tls: { ca: cert.cert, rejectUnauthorized: true },
    });
    const data = firstData(connection);
    connection.write(Buffer.from('ping'));
    expect((await data).toString()).toBe('ping');
  });

  it('refuses an unknown certificate unless rejectUnauthorized is false', async () => {
    const port = await tlsServer();
    await expect(
      openConnection({ transport: 'tls', host: '127.0.0.1', port, tls: { rejectUnauthorized: true } }),
    ).rejects.toMatchObject({
      reason: 'tls',
    });
    const connection = await openConnection({
      transport: 'tls',
      host: '127.0.0.1',
      port,
      tls: { rejectUnauthorized: false },
    });
    connection.destroy();
  });

  it('times out when the server never completes the handshake', async () => {
    const port = await tcpServer(() => undefined);
    await expect(
      openConnection(
        { transport: 'tls', host: '127.0.0.1', port, tls: { rejectUnauthorized: false } },
        { timeoutMs: 200 },
      ),
    ).rejects.toMatchObject({ reason: 'timeout' });
  });
});
