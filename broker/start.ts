// startBroker: the programmatic way to run the reference broker. Builds a Broker, wires file-based
// auth and $SYS, opens every listener, and returns the bound addresses and one close().
import { Broker } from './broker.js';
import type { BrokerOptions } from './options.js';
import { loadFileAuth, type FileAuthOptions } from './auth/index.js';
import {
  startListener,
  type ListenerAddress,
  type ListenerConfig,
  type RunningListener,
} from './listeners/index.js';
import { DEFAULT_SYS_INTERVAL_MS, startSysPublisher, SYS_PREFIX, type SysPublisher } from './sys.js';
import { brokerVersion } from './version.js';

export type StartBrokerOptions = BrokerOptions &
  FileAuthOptions & {
    /** Where to listen; default: one TCP listener on 127.0.0.1, free port. */
    listeners?: ListenerConfig[];
    /** $SYS publishing interval in ms; 0 turns $SYS off. Default 10 000. */
    sysIntervalMs?: number;
  };

export interface RunningBroker {
  /** The first listener's address (the TCP one with the default listeners). */
  address: { host: string; port: number };
  /** One entry per listener, in the order given. */
  addresses: ListenerAddress[];
  broker: Broker;
  close(): Promise<void>;
}

export const DEFAULT_LISTENERS: readonly ListenerConfig[] = [{ type: 'tcp', host: '127.0.0.1', port: 0 }];

function splitOptions(options: StartBrokerOptions): {
  brokerOptions: BrokerOptions;
  auth: FileAuthOptions;
  listeners: readonly ListenerConfig[];
  sysIntervalMs: number;
} {
  const {
    listeners,
    sysIntervalMs,
    passwordFile,
    aclFile,
    allowAnonymous,
    loginCacheSeconds,
    ...brokerOptions
  } = options;
  const auth: FileAuthOptions = {
    ...(passwordFile === undefined ? {} : { passwordFile }),
    ...(aclFile === undefined ? {} : { aclFile }),
    ...(allowAnonymous === undefined ? {} : { allowAnonymous }),
    ...(loginCacheSeconds === undefined ? {} : { loginCacheSeconds }),
  };
  return {
    brokerOptions,
    auth,
    listeners: listeners === undefined || listeners.length === 0 ? DEFAULT_LISTENERS : listeners,
    sysIntervalMs: sysIntervalMs ?? DEFAULT_SYS_INTERVAL_MS,
  };
}

/**
 * While the broker publishes $SYS/broker/..., clients may not publish there (their messages would
 * overwrite the broker's retained counters). Other '$' topics are left to the ACL.
 */
function protectSysTopics(
  next: BrokerOptions['authorizePublish'],
): NonNullable<BrokerOptions['authorizePublish']> {
  return (client, topic) => !topic.startsWith(SYS_PREFIX) && (next === undefined || next(client, topic));
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<RunningBroker> {
  const { brokerOptions, auth, listeners, sysIntervalMs } = splitOptions(options);
  const hooks = await loadFileAuth(auth);
  // Hooks given in code win over the files (a caller may wrap the file hooks itself).
  const merged: BrokerOptions = { ...hooks, ...brokerOptions };
  if (sysIntervalMs > 0) merged.authorizePublish = protectSysTopics(merged.authorizePublish);
  const broker = new Broker(merged);
  const running: RunningListener[] = [];
  const onConnection = broker.handleConnection.bind(broker);
  try {
    const acceptText = broker.options.mutations.has('ws-accept-text-frames');
    for (const config of listeners) running.push(await startListener(config, onConnection, acceptText));
  } catch (error) {
    await Promise.allSettled(running.map((listener) => listener.close()));
    await broker.close();
    throw error;
  }
  let sys: SysPublisher | undefined;
  if (sysIntervalMs > 0)
    sys = startSysPublisher(broker, { intervalMs: sysIntervalMs, version: brokerVersion() });
  const addresses = running.map((listener) => listener.address);
  const first = addresses[0]!;
  let closing: Promise<void> | undefined;
  return {
    address: { host: first.host, port: first.port },
    addresses,
    broker,
    close() {
      closing ??= (async () => {
        sys?.stop();
        await broker.close();
        await Promise.allSettled(running.map((listener) => listener.close()));
      })();
      return closing;
    },
  };
}
