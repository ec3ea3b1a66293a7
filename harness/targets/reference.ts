// The embedded reference broker (broker/), in this process, on a free loopback port by default.
// Options are StartBrokerOptions passed through (e.g. `mutations`, `listeners`, `maxPacketSize`);
// the capabilities follow the feature switches (sharedSubscriptionAvailable etc.).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createPasswordEntry,
  packageVersion,
  scramSha256,
  startBroker,
  type RunningBroker,
  type StartBrokerOptions,
} from '../../broker/index.js';
import { TargetError } from './errors.js';
import { ALL_CAPABILITIES, throwIfAborted, type StartContext, type TargetKind } from './kind.js';
import type { Configured, TargetSettings } from './settings.js';
import { startReferenceProcess } from './reference-process.js';
import type { Capability, Endpoint, StartedTarget } from './types.js';

export type ReferenceOptions = StartBrokerOptions & {
  /** Run the broker in a process of its own (reference-process.ts) instead of in this one. */
  process?: boolean;
};

export function referenceCapabilities(options: ReferenceOptions): Set<Capability> {
  const capabilities = new Set(ALL_CAPABILITIES);
  if (options.sharedSubscriptionAvailable === false) capabilities.delete('shared-subscriptions');
  if (options.subscriptionIdentifiersAvailable === false) capabilities.delete('subscription-identifiers');
  if (options.wildcardSubscriptionAvailable === false) capabilities.delete('wildcards');
  if (options.retainAvailable === false) capabilities.delete('retain');
  if (options.maximumQoS !== undefined && options.maximumQoS < 2) capabilities.delete('qos2');
  if (options.maximumQoS === 0) capabilities.delete('qos1');
  if (options.topicAliasMaximum === 0) capabilities.delete('topic-aliases');
  if (options.sysIntervalMs === 0) capabilities.delete('sys-topics');
  return capabilities;
}

async function startReference(
  name: string,
  options: ReferenceOptions,
  context: StartContext,
): Promise<StartedTarget> {
  throwIfAborted(context.signal, `starting ${name}`);
  if (options.process === true) {
    const started = await startReferenceProcess(name, Object.keys(options), context);
    started.capabilities = referenceCapabilities({});
    return started;
  }
  const { process: _embedded, ...brokerOptions } = options;
  let running: RunningBroker;
  try {
    running = await startBroker(brokerOptions);
  } catch (error) {
    throw new TargetError(
      'start-failed',
      `reference broker '${name}' did not start: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const first = running.addresses[0];
  const endpoint: Endpoint = first
    ? {
        transport: first.type,
        host: first.host,
        port: first.port,
        ...(first.type === 'ws' || first.type === 'wss'
          ? { path: new URL(first.url).pathname || '/mqtt' }
          : {}),
        ...(first.type === 'tls' || first.type === 'wss' ? { tls: { rejectUnauthorized: false } } : {}),
      }
    : { transport: 'tcp', ...running.address };
  let alive = true;
  return {
    name,
    kind: 'reference',
    endpoint,
    url: first?.url ?? `mqtt://${running.address.host}:${running.address.port}`,
    version: packageVersion(),
    capabilities: referenceCapabilities(options),
    knownDeviations: [],
    isAlive: () => alive,
    async stop() {
      alive = false;
      await running.close();
    },
  };
}

/** Cheap scrypt parameters: the password file of a test instance guards nothing worth the cost. */
const TEST_SCRYPT = { N: 1024, r: 8, p: 1 };

/** Settings map one to one onto the broker's options; users and grants become its two files. */
export async function configureReference(
  options: ReferenceOptions,
  settings: TargetSettings,
  dir: string,
): Promise<Configured<ReferenceOptions>> {
  if (options.process === true) {
    return {
      unsupported: 'the reference broker in its own process (process: true) takes no scenario settings',
    };
  }
  const { users, acl, authenticationMethods, websocket, ...features } = settings;
  const configured: ReferenceOptions = { ...options, ...features };
  if (websocket === true) configured.listeners = [{ type: 'ws', host: '127.0.0.1', port: 0, path: '/mqtt' }];
  if (authenticationMethods !== undefined && users !== undefined) {
    // SCRAM-SHA-256 is the one method the reference broker offers.
    configured.enhancedAuthentication = [scramSha256(users)];
  }
  if (users !== undefined) {
    const lines = await Promise.all(
      Object.entries(users).map(([user, password]) => createPasswordEntry(user, password, TEST_SCRYPT)),
    );
    configured.passwordFile = join(dir, 'passwd');
    configured.allowAnonymous = false;
    await writeFile(configured.passwordFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  if (acl !== undefined) {
    configured.aclFile = join(dir, 'acl');
    const lines = acl.map((grant) => `pattern ${grant.access} ${grant.topic}`);
    await writeFile(configured.aclFile, `${lines.join('\n')}\n`);
  }
  return { options: configured };
}

export const referenceTarget: TargetKind<ReferenceOptions> = {
  kind: 'reference',
  // The broker validates its own options; the config file only guarantees an object here.
  parseOptions: (raw) => raw as ReferenceOptions,
  configure: configureReference,
  // Embedded, the broker shares the harness's main thread (and its event loop) with the run itself.
  unpinnable: (options) =>
    options.process === true
      ? undefined
      : "the embedded reference broker runs in the harness's own main thread and cannot be pinned apart from it: " +
        "run it in a process of its own (a configured target { kind: reference, options: { process: true } }; 'harness bench' starts reference that way)",
  startWith: startReference,
};
