// startProxy: the standalone proxy behind `harness proxy`: a profile between a listen port and an
// upstream host:port, until the signal aborts.
import type { Endpoint } from '../targets/index.js';
import { applyProfile, type AppliedProfile } from './apply.js';

export interface StartProxyOptions {
  profile: string;
  listenPort: number;
  upstream: { host: string; port: number };
  cwd: string;
  signal?: AbortSignal;
}

export function startProxy(options: StartProxyOptions): Promise<AppliedProfile> {
  const upstream: Endpoint = { transport: 'tcp', host: options.upstream.host, port: options.upstream.port };
  return applyProfile(options.profile, upstream, {
    cwd: options.cwd,
    listenPort: options.listenPort,
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
