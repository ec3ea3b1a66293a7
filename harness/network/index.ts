// Network profiles: public surface for the runner and the CLI.
export {
  loadProfile,
  parseProfile,
  builtinProfileNames,
  resolveProfileReference,
  type ProfileReference,
} from './load.js';
export { applyProfile, type AppliedProfile, type ApplyOptions } from './apply.js';
export { startProxy, type StartProxyOptions } from './start-proxy.js';
export { startTcpProxy, type RunningProxy, type ProxyOptions } from './proxy.js';
export { detectKernel, type KernelCapabilities } from './kernel/detect.js';
export { sweepStaleNamespaces, NAMESPACE_PREFIX } from './kernel/link.js';
export { NetworkError, type NetworkErrorCode } from './errors.js';
export type { ResolvedProfile, ResolvedToxic, ProfileFile, KernelEffects } from './schema.js';
