// Shared plumbing for listeners built on a node net.Server (tcp, tls, http for ws/wss):
// listen with a bound error path, remember open sockets, and close everything on stop.
import type { Server, Socket, AddressInfo } from 'node:net';

export const DEFAULT_HOST = '127.0.0.1';

/** Listen and resolve with the bound address; `backlog` is the kernel accept queue asked for (Node's default 511 when absent). */
export function listen(server: Server, host: string, port: number, backlog?: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host, ...(backlog !== undefined && { backlog }) });
  });
}

/** Tracks the sockets of a server so close() can end them instead of waiting for clients to leave. */
export class SocketTracker {
  private readonly sockets = new Set<Socket>();

  add(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  destroyAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }
}

export function closeServer(server: Server, tracker: SocketTracker): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      tracker.destroyAll();
      resolve();
      return;
    }
    server.close(() => resolve());
    tracker.destroyAll();
  });
}

export function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
