// Aedes 1.x (npm) in a child Node process on a free port. Aedes 1.x speaks MQTT 3.1.1 only, so the
// target lacks 'mqtt-5.0' and 5.0 scenarios are skipped with that reason.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { AEDES_CHILD_PROGRAM } from './aedes-child.js';
import { TargetError } from './errors.js';
import { parseWithSchema, throwIfAborted, type StartContext, type TargetKind } from './kind.js';
import { waitForPort } from './network.js';
import { spawnBroker, type BrokerProcess } from './process.js';
import type { Capability, StartedTarget } from './types.js';

export const AedesOptionsSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    transport: Type.Optional(Type.Union([Type.Literal('tcp'), Type.Literal('ws')])),
    /** WebSocket path (transport ws), default /mqtt. */
    path: Type.Optional(Type.String({ pattern: '^/' })),
    /** Passed to Aedes.createBroker (JSON-serialisable options only, e.g. concurrency, heartbeatInterval). */
    broker: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    startTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);

export type AedesOptions = Static<typeof AedesOptionsSchema>;

export const AEDES_CAPABILITIES: readonly Capability[] = [
  'mqtt-3.1.1',
  'qos1',
  'qos2',
  'retain',
  'wildcards',
  'sys-topics',
  'multiple-in-flight',
  'dollar-topic-routing',
  'any-credentials',
];
export const AEDES_MISSING: Partial<Record<Capability, string>> = {
  'mqtt-5.0': 'Aedes 1.x has no MQTT 5',
  'subscription-identifiers': 'Aedes 1.x has no MQTT 5',
  'topic-aliases': 'Aedes 1.x has no MQTT 5',
  'will-delay': 'Aedes 1.x has no MQTT 5',
  'shared-subscriptions': 'Aedes 1.x has no shared subscriptions',
};

function resolveModules(name: string): { aedesMain: string; wsMain: string } {
  const require = createRequire(import.meta.url);
  try {
    return { aedesMain: require.resolve('aedes'), wsMain: require.resolve('ws') };
  } catch (error) {
    throw new TargetError(
      'binary-missing',
      `aedes target '${name}': the 'aedes' npm package is not installed (npm install aedes)`,
      { cause: error },
    );
  }
}

async function startAedes(
  name: string,
  options: AedesOptions,
  context: StartContext,
): Promise<StartedTarget> {
  const { aedesMain, wsMain } = resolveModules(name);
  const version = await readPackageVersion(join(dirname(aedesMain), 'package.json'));
  const host = options.host ?? '127.0.0.1';
  const transport = options.transport ?? 'tcp';
  throwIfAborted(context.signal, `starting ${name}`);
  const broker = await spawnBroker({
    command: process.execPath,
    args: ['--input-type=module', '-e', AEDES_CHILD_PROGRAM],
    env: {
      ...process.env,
      NODE_OPTIONS: '', // no tsx loader or inspector inherited by the broker process
      HARNESS_AEDES_MODULE: pathToFileURL(aedesMain).href,
      HARNESS_WS_MODULE: pathToFileURL(wsMain).href,
      HARNESS_AEDES_OPTIONS: JSON.stringify({ ...options, host, transport }),
    },
    cpus: context.cpus,
  });
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  const port = await announcedPort(broker, timeoutMs, context.signal);
  const problem =
    typeof port === 'string'
      ? port
      : await waitForPort({
          host,
          port,
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: context.signal,
          giveUp: () => broker.exitReason(),
        });
  if (problem !== undefined || typeof port === 'string') {
    await broker.stop();
    throwIfAborted(context.signal, `starting ${name}`);
    throw new TargetError(
      'start-failed',
      `aedes target '${name}' did not start: ${problem}\n${broker.output().trim()}`,
    );
  }
  const url = `${transport === 'ws' ? 'ws' : 'mqtt'}://${host}:${port}${transport === 'ws' ? (options.path ?? '/mqtt') : ''}`;
  return {
    name,
    kind: 'aedes',
    endpoint: { transport, host, port, ...(transport === 'ws' ? { path: options.path ?? '/mqtt' } : {}) },
    url,
    ...(version === undefined ? {} : { version }),
    capabilities: new Set(AEDES_CAPABILITIES),
    missingCapabilityReasons: AEDES_MISSING,
    knownDeviations: [],
    pid: broker.pid,
    isAlive: () => broker.exitReason() === undefined,
    exitReason: () => broker.exitReason(),
    output: () => broker.output(),
    stop: () => broker.stop(),
  };
}

/** The port the child prints once listening, or why it never did. */
function announcedPort(
  broker: BrokerProcess,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<number | string> {
  return new Promise((resolve) => {
    const finish = (value: number | string): void => {
      clearTimeout(timer);
      clearInterval(poll);
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => finish('aborted');
    const timer = setTimeout(() => finish(`no port announced within ${timeoutMs} ms`), timeoutMs);
    const poll = setInterval(() => {
      const exit = broker.exitReason();
      if (exit !== undefined) finish(exit);
    }, 25);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) onAbort();
    broker.onLine((line) => {
      const parsed = safeJson(line);
      if (typeof parsed?.port === 'number') finish(parsed.port);
    });
  });
}

function safeJson(line: string): { port?: unknown } | undefined {
  try {
    return JSON.parse(line) as { port?: unknown };
  } catch {
    return undefined;
  }
}

async function readPackageVersion(file: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

export const aedesTarget: TargetKind<AedesOptions> = {
  kind: 'aedes',
  parseOptions: (raw) => parseWithSchema('aedes', AedesOptionsSchema, raw),
  preflight: (_options, _context) => {
    resolveModules('aedes');
    return Promise.resolve();
  },
  startWith: startAedes,
};
