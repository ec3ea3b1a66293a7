// The closed-model driver shared by closed-loop and per-client-iterations: every publisher keeps up
// to `window` messages in flight. QoS 1/2: a completion (PUBACK/PUBCOMP) sends the next one; QoS 0
// has no acknowledgement, so the socket's backpressure is the window. The intended time of each
// message is the moment it is sent: a closed model measures service time, not arrival latency.
import { nowMs } from '../clock.js';
import type { ExecutorContext, PublisherHandle } from './types.js';

/** QoS 0: bytes queued in user space per socket before a publisher waits for the kernel. */
const QOS0_PENDING_BYTES = 256 * 1024;

export async function runWindowed(
  context: ExecutorContext,
  options: { window: number; perPublisher: number; durationMs: number },
): Promise<void> {
  const { publishers, startMs, signal } = context;
  const endMs = startMs + options.durationMs;
  const sentBy = new Map<PublisherHandle, number>();
  const open = (publisher: PublisherHandle): boolean =>
    (sentBy.get(publisher) ?? 0) < options.perPublisher && nowMs() < endMs && !signal.aborted;
  const send = (publisher: PublisherHandle): void => {
    const now = nowMs();
    context.addIntended(1);
    if (context.publish(publisher, now)) sentBy.set(publisher, (sentBy.get(publisher) ?? 0) + 1);
  };
  const acked = publishers.filter((publisher) => publisher.qos > 0);
  const fireAndForget = publishers.filter((publisher) => publisher.qos === 0);
  context.onCompleted((publisher) => {
    if (open(publisher)) {
      send(publisher);
      context.flush();
    }
  });
  for (const publisher of acked)
    for (let index = 0; index < options.window && open(publisher); index++) send(publisher);
  context.flush();
  while (!signal.aborted && nowMs() < endMs) {
    for (const publisher of fireAndForget) {
      for (
        let index = 0;
        index < options.window && open(publisher) && publisher.client.pendingBytes < QOS0_PENDING_BYTES;
        index++
      )
        send(publisher);
    }
    context.flush();
    const done = publishers.every((publisher) => !open(publisher) && publisher.client.inflight === 0);
    if (done) break;
    // Yield to I/O; back off a little when nothing could be written.
    await new Promise<void>((resolve) =>
      fireAndForget.length > 0 ? setImmediate(resolve) : setTimeout(resolve, 5),
    );
  }
  context.onCompleted(undefined);
}
