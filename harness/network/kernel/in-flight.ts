// What a kernel link still holds: the bytes queued in its namespaces' TCP sockets (Recv-Q: arrived,
// not yet read by the relay; Send-Q: sent or waiting to be, not yet acknowledged). Under packet loss
// a socket's Send-Q stays non-zero while TCP waits out a retransmission timeout (seconds on a busy
// machine, where the measured round trip varies by hundreds of ms), during which nothing arrives.
import { runIn } from './exec.js';

/** Sum of Recv-Q and Send-Q over the lines of `ss -tnH` (State Recv-Q Send-Q Local Peer). */
export function queuedBytes(ssOutput: string): number {
  let total = 0;
  for (const line of ssOutput.split('\n')) {
    const [state, recvQ, sendQ] = line.trim().split(/\s+/);
    if (state === undefined || state === '' || state === 'LISTEN') continue;
    total += (Number(recvQ) || 0) + (Number(sendQ) || 0);
  }
  return total;
}

/** Bytes queued in the TCP sockets of `namespaces`; undefined when one could not be read. */
export async function namespaceQueuedBytes(namespaces: readonly string[]): Promise<number | undefined> {
  let total = 0;
  for (const namespace of namespaces) {
    const r = await runIn(namespace, 'ss', ['-tnH']);
    if (!r.ok) return undefined;
    total += queuedBytes(r.stdout);
  }
  return total;
}
