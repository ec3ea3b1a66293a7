// The kernel backend's data path. A process cannot move itself into a namespace, so the harness keeps
// running in the host namespace and holds sockets that live in two namespaces of its own:
//
//   client ─▶ 127.0.0.1:relay (host) ═▶ socket in <ns>-c ─ veth (tc/nft effects) ─▶ socket in <ns>-b ═▶ broker (host)
//
// Helper processes started with `ip netns exec` create the namespaced sockets and pass their file
// descriptors back over the IPC channel. No address outside 127.0.0.0/8 exists in the host namespace;
// 10.213.0.1/.2 exist only inside our namespaces. Closing deletes both namespaces, which removes the
// veth pair, qdiscs and nft tables with them.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { NetworkError } from '../errors.js';
import { resetOrDestroy } from '../reset.js';
import type { KernelEffects } from '../schema.js';
import { run } from './exec.js';
import { HELPER_SOURCE } from './helper-source.js';
import { namespaceQueuedBytes } from './in-flight.js';
import { applyRules, readCounters, type Side } from './rules.js';

export const NAMESPACE_PREFIX = 'mqh-';
const INNER_PORT = 1883;
const HELPER_START_MS = 30_000;
let counter = 0;

export interface KernelLink {
  host: string;
  port: number;
  namespaces: readonly [string, string];
  applied: readonly string[];
  counters(): Promise<{
    upstream: { dropped: number; duplicated: number };
    downstream: { dropped: number; duplicated: number };
  }>;
  /**
   * Bytes still on their way through the link: queued in its namespaces' TCP sockets (unread or
   * unacknowledged, in-flight.ts) and in the relay's buffers; undefined when it cannot tell.
   */
  inFlight(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Deletes namespaces left by harness processes that no longer run (e.g. killed with SIGKILL). */
export async function sweepStaleNamespaces(): Promise<string[]> {
  const list = await run('ip', ['netns', 'list']);
  const removed: string[] = [];
  for (const line of list.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^mqh-(?:probe-)?(\d+)(?:-\d+-[cb])?$/.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    if ((await run('ip', ['netns', 'del', name])).ok) removed.push(name);
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What one link holds while it lives; `closed` is set when close() starts. */
interface LinkState {
  nsC: string;
  nsB: string;
  children: ChildProcess[];
  sockets: Set<Socket>;
  server: Server;
  closed: boolean;
}

export async function startKernelLink(
  effects: KernelEffects,
  netem: boolean,
  upstream: { host: string; port: number },
): Promise<KernelLink> {
  await sweepStaleNamespaces();
  const base = `${NAMESPACE_PREFIX}${process.pid}-${counter++}`;
  const state: LinkState = {
    nsC: `${base}-c`,
    nsB: `${base}-b`,
    children: [],
    sockets: new Set<Socket>(),
    server: createServer({ pauseOnConnect: true, noDelay: true }),
    // A socket the helpers hand over after close() started, or for a client that has gone
    // meanwhile, is destroyed on arrival: one left open (paused, never read) would keep the process alive.
    closed: false,
  };
  const { nsC, nsB } = state;
  // Last resort when the process exits without close() (uncaught error): delete synchronously. The
  // helpers exit by themselves when their IPC channel closes. After SIGKILL, sweepStaleNamespaces().
  const onExit = (): void => {
    for (const ns of [nsC, nsB]) {
      try {
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore', timeout: 2_000 });
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  const cleanup = async (): Promise<void> => {
    state.closed = true;
    process.off('exit', onExit);
    for (const socket of state.sockets) socket.destroy();
    state.server.close();
    await Promise.all(state.children.map((child) => stopChild(child)));
    await run('ip', ['netns', 'del', nsC]);
    await run('ip', ['netns', 'del', nsB]);
  };
  try {
    await createNamespacePair(nsC, nsB);
    const sideC: Side = { namespace: nsC, device: 'hc', peer: '10.213.0.2' };
    const sideB: Side = { namespace: nsB, device: 'hb', peer: '10.213.0.1' };
    const applied = [
      ...(await applyRules(sideC, effects, netem)).map((r) => `upstream: ${r}`),
      ...(await applyRules(sideB, effects, netem)).map((r) => `downstream: ${r}`),
    ];
    await startRelay(state, upstream);
    const port = await listenOnLoopback(state.server);
    let closing: Promise<void> | undefined;
    return {
      host: '127.0.0.1',
      port,
      namespaces: [nsC, nsB],
      applied,
      counters: async () => ({ upstream: await readCounters(sideC), downstream: await readCounters(sideB) }),
      inFlight: async () => {
        if (state.closed) return undefined;
        const queued = await namespaceQueuedBytes([nsC, nsB]);
        if (queued === undefined) return undefined;
        let buffered = 0;
        for (const socket of state.sockets) buffered += socket.writableLength + socket.readableLength;
        return queued + buffered;
      },
      close: () => (closing ??= cleanup()),
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** Two namespaces joined by a veth pair (hc in <ns>-c, hb in <ns>-b), addressed and up. */
async function createNamespacePair(nsC: string, nsB: string): Promise<void> {
  const step = async (what: string, args: string[]): Promise<void> => {
    const r = await run('ip', args);
    if (!r.ok) throw new NetworkError('KERNEL_SETUP_FAILED', `${what} failed: ${r.stderr}`);
  };
  await step('ip netns add', ['netns', 'add', nsC]);
  await step('ip netns add', ['netns', 'add', nsB]);
  await step('veth pair', [
    '-n',
    nsC,
    'link',
    'add',
    'hc',
    'type',
    'veth',
    'peer',
    'name',
    'hb',
    'netns',
    nsB,
  ]);
  await step('address', ['-n', nsC, 'addr', 'add', '10.213.0.1/30', 'dev', 'hc']);
  await step('address', ['-n', nsB, 'addr', 'add', '10.213.0.2/30', 'dev', 'hb']);
  for (const [ns, dev] of [
    [nsC, 'hc'],
    [nsB, 'hb'],
    [nsC, 'lo'],
    [nsB, 'lo'],
  ] as const) {
    await step('link up', ['-n', ns, 'link', 'set', dev, 'up']);
  }
}

/**
 * The helpers and the host-side relay: each client accepted on the relay server asks the connector
 * (in <ns>-c) for a socket across the veth; each connection the listener (in <ns>-b) accepts is
 * joined to a new connection to the broker.
 */
async function startRelay(state: LinkState, upstream: { host: string; port: number }): Promise<void> {
  const track = (socket: Socket): Socket => {
    state.sockets.add(socket);
    socket.once('close', () => state.sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };
  const listener = await startHelper(state.nsB, 'listen', state.children);
  listener.on('message', (message, handle) => {
    if (!handle) return;
    if (message !== 'conn' || state.closed) {
      discard(handle as Socket);
      return;
    }
    const inner = track(handle as Socket);
    const broker = track(connect({ host: upstream.host, port: upstream.port, noDelay: true }));
    join(inner, broker);
  });
  const connector = await startHelper(state.nsC, 'connect', state.children);
  const waiting = new Map<number, Socket>();
  let nextId = 0;
  connector.on('message', (message: { id?: number; error?: string }, handle) => {
    const client = message.id === undefined ? undefined : waiting.get(message.id);
    if (message.id !== undefined) waiting.delete(message.id);
    if (!client || state.closed || client.destroyed || !handle || message.error) {
      if (handle) discard(handle as Socket);
      client?.destroy();
      return;
    }
    join(client, track(handle as Socket));
  });
  state.server.on('connection', (client) => {
    if (state.closed) {
      client.destroy();
      return;
    }
    track(client);
    const id = nextId++;
    waiting.set(id, client);
    client.once('close', () => waiting.delete(id));
    connector.send({ id });
  });
}

async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new NetworkError('KERNEL_SETUP_FAILED', 'no address');
  return address.port;
}

/** Closes a socket received from a helper that has no use any more. */
function discard(socket: Socket): void {
  socket.destroy();
}

function join(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.resume();
  b.resume();
  const fail = (other: Socket) => () => {
    resetOrDestroy(other);
  };
  a.once('error', fail(b));
  b.once('error', fail(a));
}

async function startHelper(
  namespace: string,
  mode: 'listen' | 'connect',
  children: ChildProcess[],
): Promise<ChildProcess> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      namespace,
      process.execPath,
      '-e',
      HELPER_SOURCE,
      mode,
      '10.213.0.2',
      String(INNER_PORT),
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    // A Node process started at nice 19 beside stress-ng took over 10 s to say it was ready (11 of 19
    // link set-ups in one loop of lossy-5 loads, 2026-12-07): a busy machine, not a broken helper.
    const timer = setTimeout(
      () => reject(new NetworkError('KERNEL_SETUP_FAILED', `helper in ${namespace} did not start`)),
      HELPER_START_MS,
    );
    child.once('message', (message: unknown) => {
      clearTimeout(timer);
      if (message === 'ready') resolve();
      else
        reject(new NetworkError('KERNEL_SETUP_FAILED', `helper in ${namespace}: ${JSON.stringify(message)}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new NetworkError('KERNEL_SETUP_FAILED', `helper in ${namespace} exited (${code}): ${stderr.trim()}`),
      );
    });
  });
  return child;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, 2_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    child.kill('SIGTERM');
  });
}
