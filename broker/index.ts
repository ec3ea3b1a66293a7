// Public surface of the reference broker (package export "./broker").
export { Broker } from './broker.js';
export type { BrokerOptions, LogLevel, LogFunction, ClientIdentity, AuthenticateRequest } from './options.js';
export type { BrokerStats } from './stats.js';
export { startBroker, DEFAULT_LISTENERS, type StartBrokerOptions, type RunningBroker } from './start.js';
export type {
  ListenerConfig,
  ListenerAddress,
  ListenerType,
  TcpListenerConfig,
  TlsListenerConfig,
  WsListenerConfig,
  WssListenerConfig,
} from './listeners/index.js';
export {
  AclFile,
  PasswordFile,
  AuthFileError,
  createPasswordEntry,
  hashPassword,
  loadFileAuth,
  scramSha256,
  SCRAM_SHA_256,
  type FileAuthOptions,
  type EnhancedAuthMethod,
} from './auth/index.js';
export { loadBrokerConfig, parseBrokerConfig, BrokerConfigError, type BrokerConfig } from './config.js';
export { SYS_TOPICS, SYS_PREFIX, DEFAULT_SYS_INTERVAL_MS } from './sys.js';
export { packageVersion, brokerVersion } from './version.js';
export { MUTATIONS, MUTATION_NAMES, type MutationName } from './mutations.js';
