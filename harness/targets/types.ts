// A target is a broker the harness runs scenarios against. Each kind (reference, mosquitto, aedes,
// url, command) implements TargetDefinition in its own file and is looked up by `kind`.

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
}

/** Features a scenario may require; a target that lacks one gets `skipped`, never `passed`. */
export type Capability =
  | 'mqtt-3.1.1'
  | 'mqtt-5.0'
  | 'qos1'
  | 'qos2'
  | 'retain'
  | 'wildcards'
  | 'shared-subscriptions'
  | 'subscription-identifiers'
  | 'topic-aliases'
  | 'will-delay'
  | 'sys-topics';

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
  /** True while the target still accepts connections / its process is alive. */
  isAlive(): boolean;
  stop(): Promise<void>;
}

export interface KnownDeviation {
  scenario: string;
  statement: string;
  mqttVersion?: '3.1.1' | '5.0';
  description: string;
}

export interface TargetDefinition<Config = Record<string, unknown>> {
  kind: string;
  start(name: string, config: Config, signal?: AbortSignal): Promise<StartedTarget>;
}
