// Brokers the harness starts from a Debian install (RabbitMQ, ActiveMQ, ejabberd): each run gets a
// fresh temp dir with its own config, data and node name, free loopback ports, and processes of its
// own (an Erlang VM, a JVM, a private epmd) — never the system service. Each kind file says what to
// write and spawn; this file does the rest: ports, retries, readiness (CONNECT → CONNACK), startup
// time, and a stop that ends every process by PID (with its process group) and removes the dir.
import { access, constants, rm } from 'node:fs/promises';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { performance } from 'node:perf_hooks';
import { TargetError } from './errors.js';
import { parseWithSchema, throwIfAborted, type StartContext, type TargetKind } from './kind.js';
import { waitForMqtt } from './mqtt-ready.js';
import { freePort, waitForPort } from './network.js';
import { spawnBroker, type BrokerProcess, type SpawnOptions } from './process.js';
import { BROKER_RUN_MARK, makeRunDir } from './run-dir.js';
import { sweepMarked } from './sweep.js';
import type { Capability, StartedTarget } from './types.js';

/** One process of a launch; `readyPort` makes the next one wait until this one listens there. */
export interface LaunchProcess extends SpawnOptions {
  readyPort?: number;
}

/** What one start attempt runs, prepared by the kind in its temp dir with the ports it was given. */
export interface Launch {
  /** Started in this order, stopped in reverse; the last one is the broker whose output is kept. */
  processes: LaunchProcess[];
  /** The MQTT listener. */
  port: number;
  /** Credentials every CONNECT needs (a broker that refuses anonymous clients). */
  username?: string;
  password?: string;
}

export interface PackagedBroker {
  kind: string;
  /** Free loopback ports one attempt needs (the first is the MQTT listener unless fixed). */
  portCount: number;
  prepare(dir: string, ports: number[]): Promise<Launch>;
  /** The version the running broker reports in its output, if it says. */
  versionFrom(output: string): string | undefined;
  capabilities: readonly Capability[];
  missingCapabilityReasons: Partial<Record<Capability, string>>;
}

export interface PackagedOptions {
  host: string;
  /** A fixed MQTT port (no retry on another port when it is taken). */
  port?: number | undefined;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

const START_ATTEMPTS = 3; // a free port can be taken between the check and the bind
const EPMD_READY_MS = 10_000;
export { BROKER_RUN_MARK } from './run-dir.js';
const SWEEP_MS = 5_000;

/** The 'binary-missing' error, with the apt-get line that installs what is missing. */
export function notInstalled(kind: string, name: string, what: string, packages: string[]): TargetError {
  return new TargetError(
    'binary-missing',
    `${kind} target '${name}': ${what} not found; install the broker with ` +
      `'apt-get install -y ${packages.join(' ')}' (or give its location in the target options)`,
  );
}

/** Throws 'binary-missing' with the apt-get line when one of `files` is not there. */
export async function requireInstalled(
  kind: string,
  name: string,
  files: string[],
  packages: string[],
): Promise<void> {
  for (const file of files) {
    try {
      await access(file, constants.R_OK);
    } catch {
      throw notInstalled(kind, name, file, packages);
    }
  }
}

/** The environment a packaged broker runs with: ours minus the variables that would redirect it. */
export function cleanEnv(prefixes: string[], extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!prefixes.some((prefix) => key.startsWith(prefix))) env[key] = value;
  }
  return { ...env, NODE_OPTIONS: '', ...extra };
}

/** The option keys every packaged kind takes besides its own (spread into its schema). */
export const PACKAGED_OPTION_KEYS = {
  host: Type.Optional(Type.String({ minLength: 1 })),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  startTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
  stopTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
};

/** The options every packaged kind takes besides its own. */
export interface PackagedKindOptions {
  host?: string | undefined;
  port?: number | undefined;
  startTimeoutMs?: number | undefined;
  stopTimeoutMs?: number | undefined;
}

/** What a packaged kind brings; packagedKind() makes the target kind of it. */
export interface PackagedKindSpec<S extends TSchema, Install> {
  kind: string;
  schema: S;
  /** Finds what the kind needs (binaries, jars), throwing 'binary-missing'; run at preflight and at start. */
  install(name: string, options: Static<S>): Promise<Install>;
  /** What to write and spawn. */
  broker(options: Static<S>, host: string, install: Install): PackagedBroker;
  startTimeoutMs: number;
  stopTimeoutMs: number;
}

/** A target kind for a packaged broker: options checked by its schema, installs checked first. */
export function packagedKind<S extends TSchema & { static: PackagedKindOptions }, Install>(
  spec: PackagedKindSpec<S, Install>,
): TargetKind<Static<S>> {
  return {
    kind: spec.kind,
    parseOptions: (raw) => parseWithSchema(spec.kind, spec.schema, raw),
    preflight: async (options) => {
      await spec.install(spec.kind, options);
    },
    async startWith(name, options, context) {
      const install = await spec.install(name, options);
      const host = options.host ?? '127.0.0.1';
      return startPackaged(
        name,
        spec.broker(options, host, install),
        {
          host,
          port: options.port,
          startTimeoutMs: options.startTimeoutMs ?? spec.startTimeoutMs,
          stopTimeoutMs: options.stopTimeoutMs ?? spec.stopTimeoutMs,
        },
        context,
      );
    },
  };
}

export async function startPackaged(
  name: string,
  broker: PackagedBroker,
  options: PackagedOptions,
  context: StartContext,
): Promise<StartedTarget> {
  let lastFailure = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    throwIfAborted(context.signal, `starting ${name}`);
    const dir = await makeRunDir(broker.kind);
    const outcome = await attemptStart(name, broker, options, context, dir).catch(async (error: unknown) => {
      await rm(dir, { recursive: true, force: true }); // e.g. the config could not be written
      throw error;
    });
    if ('target' in outcome) return outcome.target;
    await rm(dir, { recursive: true, force: true });
    lastFailure = outcome.failure;
    if (options.port !== undefined || outcome.aborted) break;
  }
  throwIfAborted(context.signal, `starting ${name}`);
  throw new TargetError('start-failed', `${broker.kind} target '${name}' did not start: ${lastFailure}`);
}

type Attempt = { target: StartedTarget } | { failure: string; aborted: boolean };

async function attemptStart(
  name: string,
  broker: PackagedBroker,
  options: PackagedOptions,
  context: StartContext,
  dir: string,
): Promise<Attempt> {
  const ports: number[] = [];
  for (let i = 0; i < broker.portCount; i++) {
    ports.push(i === 0 && options.port !== undefined ? options.port : await freePort(options.host));
  }
  const launch = await broker.prepare(dir, ports);
  const started: BrokerProcess[] = [];
  const stopAll = async (): Promise<void> => {
    for (const child of [...started].reverse()) await child.stop(options.stopTimeoutMs);
    await sweepMarked(BROKER_RUN_MARK, dir, SWEEP_MS);
  };
  const exited = (): string | undefined => {
    for (const child of started) {
      const reason = child.exitReason();
      if (reason !== undefined) return `${child.command} ${reason}`;
    }
    return undefined;
  };
  const begin = performance.now();
  const deadline = Date.now() + options.startTimeoutMs;
  let problem: string | undefined;
  for (const spec of launch.processes) {
    try {
      const env = { ...(spec.env ?? process.env), [BROKER_RUN_MARK]: dir };
      started.push(await spawnBroker({ ...spec, env, processGroup: true, runDir: dir, cpus: context.cpus }));
    } catch (error) {
      problem = `cannot spawn ${spec.command}: ${(error as Error).message}`;
      break;
    }
    if (spec.readyPort !== undefined) {
      problem = await waitForPort({
        host: options.host,
        port: spec.readyPort,
        timeoutMs: Math.min(EPMD_READY_MS, Math.max(1, deadline - Date.now())),
        signal: context.signal,
        giveUp: exited,
      });
      if (problem !== undefined) break;
    }
  }
  problem ??= await waitForMqtt({
    host: options.host,
    port: launch.port,
    username: launch.username,
    password: launch.password,
    timeoutMs: Math.max(1, deadline - Date.now()),
    signal: context.signal,
    giveUp: exited,
  });
  const main = started.at(-1);
  if (problem !== undefined || main === undefined || started.length < launch.processes.length) {
    await stopAll();
    const output = main?.output().trim() ?? '';
    return {
      failure: `${problem ?? 'not started'}${output ? `; output:\n${tail(output)}` : ''}`,
      aborted: problem === 'aborted',
    };
  }
  const startupMs = Math.round(performance.now() - begin);
  return { target: describe(name, broker, options, launch, main, { startupMs, stopAll, dir }) };
}

function describe(
  name: string,
  broker: PackagedBroker,
  options: PackagedOptions,
  launch: Launch,
  main: BrokerProcess,
  run: { startupMs: number; stopAll: () => Promise<void>; dir: string },
): StartedTarget {
  const host = options.host;
  const version = broker.versionFrom(main.output());
  let stopping: Promise<void> | undefined;
  return {
    name,
    kind: broker.kind,
    endpoint: {
      transport: 'tcp',
      host,
      port: launch.port,
      ...(launch.username === undefined ? {} : { username: launch.username }),
      ...(launch.password === undefined ? {} : { password: launch.password }),
    },
    url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${launch.port}`,
    ...(version === undefined ? {} : { version }),
    capabilities: new Set(broker.capabilities),
    missingCapabilityReasons: broker.missingCapabilityReasons,
    knownDeviations: [],
    pid: main.pid,
    startupMs: run.startupMs,
    isAlive: () => main.exitReason() === undefined,
    exitReason: () => main.exitReason(),
    output: () => main.output(),
    stop() {
      stopping ??= (async () => {
        await run.stopAll();
        await rm(run.dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** The last lines of a long log, enough to see why a start failed. */
function tail(output: string, lines = 40): string {
  const all = output.split('\n');
  return all.length <= lines ? output : `…\n${all.slice(-lines).join('\n')}`;
}
