// A broker binary started from a command line and a config template, on a free port, in a temp dir.
// Placeholders in `args` and `config`: {{port}}, {{host}}, {{dir}} (the temp dir), {{config}} (the
// written config file). Mosquitto is one instance of this (mosquitto.ts).
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { CAPABILITIES, literalUnion } from '../vocabulary.js';
import { TargetError } from './errors.js';
import { findExecutable, readVersion } from './executable.js';
import {
  ALL_CAPABILITIES,
  parseWithSchema,
  throwIfAborted,
  type StartContext,
  type TargetKind,
} from './kind.js';
import { freePort, waitForPort } from './network.js';
import { spawnBroker, type BrokerProcess } from './process.js';
import { BROKER_RUN_MARK, makeRunDir } from './run-dir.js';
import type { Capability, StartedTarget } from './types.js';

export const CommandOptionsSchema = Type.Object(
  {
    command: Type.String({ minLength: 1 }),
    args: Type.Optional(Type.Array(Type.String())),
    config: Type.Optional(Type.String()),
    configName: Type.Optional(Type.String({ pattern: '^[^/]+$' })),
    host: Type.Optional(Type.String({ minLength: 1 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    env: Type.Optional(Type.Record(Type.String(), Type.String())),
    startTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    stopTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    versionArgs: Type.Optional(Type.Array(Type.String())),
    capabilities: Type.Optional(Type.Array(literalUnion(CAPABILITIES))),
    installHint: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export type CommandOptions = Static<typeof CommandOptionsSchema>;

export interface CommandTargetExtras {
  kind: string;
  missingCapabilityReasons?: Partial<Record<Capability, string>>;
}

const START_ATTEMPTS = 3; // a free port can be taken between the check and the bind

/** The executable's absolute path; throws 'binary-missing' with the install hint. */
export async function requireExecutable(
  name: string,
  options: CommandOptions,
  context: StartContext,
  kind: string,
): Promise<string> {
  const executable = await findExecutable(options.command, context.baseDir, {
    ...process.env,
    ...options.env,
  });
  if (executable === undefined) {
    const hint = options.installHint ?? `install it or give its path in the target's 'command' option`;
    throw new TargetError(
      'binary-missing',
      `${kind} target '${name}': '${options.command}' not found: ${hint}`,
    );
  }
  return executable;
}

export async function startCommandTarget(
  name: string,
  options: CommandOptions,
  context: StartContext,
  extras: CommandTargetExtras,
): Promise<StartedTarget> {
  const env = { ...process.env, ...options.env };
  const executable = await requireExecutable(name, options, context, extras.kind);
  const version = options.versionArgs ? await readVersion(executable, options.versionArgs) : undefined;
  const host = options.host ?? '127.0.0.1';
  let lastFailure = '';
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    throwIfAborted(context.signal, `starting ${name}`);
    const port = options.port ?? (await freePort(host));
    const dir = await makeRunDir(extras.kind);
    const started = await startOnce(executable, options, { host, port, dir }, env, context);
    if ('process' in started) {
      const broker = started.process;
      const target: StartedTarget = {
        name,
        kind: extras.kind,
        endpoint: { transport: 'tcp', host, port },
        url: `mqtt://${host.includes(':') ? `[${host}]` : host}:${port}`,
        capabilities: new Set(options.capabilities ?? ALL_CAPABILITIES),
        knownDeviations: [],
        pid: broker.pid,
        isAlive: () => broker.exitReason() === undefined,
        exitReason: () => broker.exitReason(),
        output: () => broker.output(),
        async stop() {
          await broker.stop(options.stopTimeoutMs ?? 5000);
          await rm(dir, { recursive: true, force: true });
        },
        ...(version === undefined ? {} : { version }),
        ...(extras.missingCapabilityReasons
          ? { missingCapabilityReasons: extras.missingCapabilityReasons }
          : {}),
      };
      return target;
    }
    await rm(dir, { recursive: true, force: true });
    lastFailure = started.failure;
    if (options.port !== undefined || started.aborted) break; // a fixed port will not get better
  }
  throwIfAborted(context.signal, `starting ${name}`);
  throw new TargetError('start-failed', `${extras.kind} target '${name}' did not start: ${lastFailure}`);
}

type StartOutcome = { process: BrokerProcess } | { failure: string; aborted: boolean };

async function startOnce(
  executable: string,
  options: CommandOptions,
  values: { host: string; port: number; dir: string },
  env: NodeJS.ProcessEnv,
  context: StartContext,
): Promise<StartOutcome> {
  const signal = context.signal;
  const configFile = join(values.dir, options.configName ?? 'broker.conf');
  const placeholders = { ...values, config: configFile };
  if (options.config !== undefined) await writeFile(configFile, fill(options.config, placeholders));
  let broker: BrokerProcess;
  try {
    broker = await spawnBroker({
      command: executable,
      args: (options.args ?? []).map((arg) => fill(arg, placeholders)),
      cwd: values.dir,
      env: { ...env, [BROKER_RUN_MARK]: values.dir },
      runDir: values.dir,
      cpus: context.cpus,
    });
  } catch (error) {
    return { failure: `cannot spawn ${executable}: ${(error as Error).message}`, aborted: false };
  }
  const problem = await waitForPort({
    host: values.host,
    port: values.port,
    timeoutMs: options.startTimeoutMs ?? 10_000,
    signal,
    giveUp: () => broker.exitReason(),
  });
  if (problem === undefined) return { process: broker };
  await broker.stop(options.stopTimeoutMs ?? 5000);
  const output = broker.output().trim();
  return { failure: output ? `${problem}; output:\n${output}` : problem, aborted: problem === 'aborted' };
}

/** Replaces {{name}} placeholders; an unknown placeholder is left as is. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

export const commandTarget: TargetKind<CommandOptions> = {
  kind: 'command',
  parseOptions: (raw) => parseWithSchema('command', CommandOptionsSchema, raw),
  preflight: async (options, context) => {
    await requireExecutable('command', options, context, 'command');
  },
  startWith: (name, options, context) => startCommandTarget(name, options, context, { kind: 'command' }),
};
