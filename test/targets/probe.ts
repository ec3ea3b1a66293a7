// Test helper: one real MQTT CONNECT → CONNACK exchange over TCP or WebSocket, with a timeout
// (with the endpoint's credentials when it has any).
import { connect as connectTcp } from 'node:net';
import { WebSocket } from 'ws';
import { encode, PacketDecoder, type Packet, type ProtocolLevel } from '../../wire/index.js';
import type { Endpoint } from '../../harness/targets/types.js';

export async function connectOnce(
  endpoint: Endpoint,
  version: ProtocolLevel = 4,
  timeoutMs = 5000,
): Promise<Packet> {
  const connect = encode(
    {
      type: 'connect',
      protocolName: 'MQTT',
      protocolLevel: version,
      cleanStart: true,
      keepAlive: 60,
      clientId: `probe-${process.pid}`,
      ...(endpoint.username === undefined ? {} : { username: endpoint.username }),
      ...(endpoint.password === undefined ? {} : { password: Buffer.from(endpoint.password) }),
    },
    version,
  );
  const decoder = new PacketDecoder({ role: 'client', version });
  return new Promise<Packet>((resolve, reject) => {
    let close: () => void = () => undefined;
    const timer = setTimeout(() => {
      close();
      reject(new Error(`no CONNACK within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      const [packet] = decoder.push(chunk);
      if (packet) {
        clearTimeout(timer);
        close();
        resolve(packet);
      }
    };
    const onError = (error: Error): void => {
      clearTimeout(timer);
      close();
      reject(error);
    };
    if (endpoint.transport === 'ws') {
      const socket = new WebSocket(
        `ws://${endpoint.host}:${endpoint.port}${endpoint.path ?? '/mqtt'}`,
        'mqtt',
      );
      close = () => socket.terminate();
      socket.on('open', () => socket.send(connect));
      socket.on('message', (data: Buffer) => onData(data));
      socket.on('error', onError);
    } else {
      const socket = connectTcp({ host: endpoint.host, port: endpoint.port });
      close = () => socket.destroy();
      socket.on('connect', () => socket.write(connect));
      socket.on('data', onData);
      socket.on('error', onError);
    }
  });
}

/** True while a process with this PID exists. */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
