// Passing a reset on. Node's resetAndDestroy() on a socket whose end() is still being carried out
// (a FIN queued, the shutdown not yet done) fails with `reset EINVAL` and leaves the handle open for
// good: the process then never exits (it spins in its exit clean-up). Under packet loss that is
// common: one side ends, the other fails. Such a socket is destroyed instead: it already said FIN.
import type { Socket } from 'node:net';

export function resetOrDestroy(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.writableEnded) socket.destroy();
  else socket.resetAndDestroy();
}
