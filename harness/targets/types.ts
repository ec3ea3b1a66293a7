// A target is a broker the harness runs scenarios against. Each kind (reference, mosquitto, aedes,
// rabbitmq, activemq, ejabberd, url, command) implements TargetKind (kind.ts) in its own file and is looked up by `kind`.
import type { Capability, MqttVersion } from '../vocabulary.js';

export type Transport = 'tcp' | 'tls' | 'ws' | 'wss';

export interface Endpoint {
  transport: Transport;
  host: string;
  port: number;
  /** WebSocket path, default '/mqtt'. */
  path?: string;
  username?: string;
  password?: string;
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized: boolean; servername?: string };
  /** A pool: every endpoint of one broker cluster, this one first (harness/targets/pool.ts). */
  pool?: Endpoint[];
  /** How the load engine spreads clients over the pool (default round-robin). */
  spread?: 'round-robin' | 'hash';
}

export type { Capability, MqttVersion } from '../vocabulary.js';

export interface StartedTarget {
  name: string;
  kind: string;
  endpoint: Endpoint;
  /** Human-readable URL of the endpoint, e.g. mqtt://127.0.0.1:41883 */
  url: string;
  version?: string;
  /** Capabilities known from the target definition; CONNACK properties may narrow them further. */
  capabilities: ReadonlySet<Capability>;
  /** Known deviations: scenario name → statement ids and description. */
  knownDeviations: KnownDeviation[];
  /** PID of a local broker process (for CPU/RSS sampling), if the harness started one. */
  pid?: number;
  /** The CPUs the broker process runs on, as the kernel reports them (absent: not pinned). */
  cpus?: string;
  /** How long the start took (spawn to first CONNACK for the packaged brokers); never part of a measured figure. */
  startupMs?: number;
  /** True while the target still accepts connections / its process is alive. */
  isAlive(): boolean;
  /** How a broker process the harness started ended ('killed by SIGKILL', 'exited with code 1'). */
  exitReason?(): string | undefined;
  stop(): Promise<void>;
  /** Why a capability is missing, for the skip reason (e.g. 'mqtt-5.0' → 'Aedes 1.x has no MQTT 5'). */
  missingCapabilityReasons?: Partial<Record<Capability, string>>;
  /** The last output (stderr/stdout) of a broker process the harness started, for failure evidence. */
  output?(): string;
}

/** How a target is described in the config file or built from a CLI spec. */
export interface TargetConfig {
  kind: string;
  /** Kind-specific options (see docs/cli.md), validated by the kind; paths are relative to `cwd`. */
  options?: Record<string, unknown>;
  /** Replaces the kind's capabilities (for a url/command target whose features are known). */
  capabilities?: Capability[];
  /** Known deviations: a kind name ('mosquitto') or a path to a deviations YAML file. */
  deviations?: string;
  /** The CPUs the broker process runs on, a Linux CPU list ('0', '0-1', '0,2-3'); docs/load.md "Placement". */
  cpus?: string;
}

export interface KnownDeviation {
  scenario: string;
  statement: string;
  mqttVersion?: MqttVersion;
  /** What the target does instead. */
  description: string;
  /** Why it breaks the rule (upstream issue, design choice). */
  reason?: string;
}
