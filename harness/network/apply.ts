// applyProfile: puts a network profile between the harness and a target. The proxy backend always
// runs (it applies the stream toxics and measures round trips), in a worker thread of its own; the
// kernel backend is added when the profile has packet-level effects.
import type { ProfileCheck, ProfileInfo } from '../result/index.js';
import type { Endpoint } from '../targets/index.js';
import { NetworkError } from './errors.js';
import { detectKernel } from './kernel/detect.js';
import { startKernelLink, type KernelLink } from './kernel/link.js';
import { planKernel } from './kernel/rules.js';
import { loadProfile } from './load.js';
import { startTcpProxy } from './proxy.js';
import { controlInThread, type ProxyControl } from './proxy-control.js';
import { startProxyThread } from './proxy-thread.js';
import type { MeasuredEffect } from './stats.js';
import { checkProfile, nominalOf, type ProfileNominal } from './profile-check.js';
import { combinePoolChecks, combinePoolInfos } from './pool-profile.js';
import type { ResolvedProfile, ResolvedToxic } from './schema.js';
import type { Random } from './distribution.js';
import { isIP } from 'node:net';

export interface ApplyOptions {
  signal?: AbortSignal;
  cwd: string;
  /** Port for the proxy to listen on (default: a free port). */
  listenPort?: number;
  /** A seeded random source (tests): the proxy then runs in the calling thread, a function cannot cross. */
  random?: Random;
}

export interface AppliedProfile {
  endpoint: Endpoint;
  profile: ResolvedProfile;
  proxy: ProxyControl;
  kernel?: KernelLink;
  /** The effect the profile's proxy should have (its toxics: the profile's and any it took over from the kernel). */
  nominal: ProfileNominal;
  /** Starts measuring apart (one load); the function it returns ends that and compares with the nominal. */
  watch(): Promise<() => Promise<ProfileCheck>>;
  /** What the profile measured over its whole life: complete after close(), empty before. */
  info(): ProfileInfo;
  close(): Promise<void>;
}

/**
 * The profile between the harness and `upstream`. A target pool gets it on every endpoint (a proxy
 * each): the endpoint returned lists the proxied endpoints as its pool, in the pool's order.
 */
export async function applyProfile(
  profileOrName: string | ResolvedProfile,
  upstream: Endpoint,
  options: ApplyOptions,
): Promise<AppliedProfile> {
  options.signal?.throwIfAborted();
  const profile =
    typeof profileOrName === 'string' ? await loadProfile(profileOrName, options.cwd) : profileOrName;
  const pool = upstream.pool ?? [];
  // A pool of one is the endpoint itself: the proxied endpoint must not keep the unproxied pool,
  // which the load engine would connect to.
  if (pool.length <= 1) return applyToOne(profile, alone(upstream), options);
  const applied: AppliedProfile[] = [];
  try {
    for (const [index, member] of pool.entries()) {
      // The listen port asked for goes to the first endpoint; the others take free ports.
      const memberOptions = index === 0 ? options : { ...options, listenPort: 0 };
      applied.push(await applyToOne(profile, alone(member), memberOptions));
    }
  } catch (error) {
    await Promise.allSettled(applied.map((one) => one.close()));
    throw error;
  }
  return poolOf(applied, upstream);
}

function alone(endpoint: Endpoint): Endpoint {
  const { pool: _pool, spread: _spread, ...one } = endpoint;
  return one;
}

/** One applied profile per pool endpoint, seen as one. */
function poolOf(applied: readonly AppliedProfile[], upstream: Endpoint): AppliedProfile {
  const first = applied[0]!;
  const names = (upstream.pool ?? []).map(({ host, port }) => `${host}:${port}`);
  return {
    endpoint: {
      ...first.endpoint,
      pool: applied.map((one) => one.endpoint),
      ...(upstream.spread === undefined ? {} : { spread: upstream.spread }),
    },
    profile: first.profile,
    proxy: first.proxy,
    ...(first.kernel === undefined ? {} : { kernel: first.kernel }),
    nominal: first.nominal,
    async watch() {
      const done = await Promise.all(applied.map((one) => one.watch()));
      return async () =>
        combinePoolChecks(
          await Promise.all(
            done.map(async (end, index) => ({ endpoint: names[index]!, check: await end() })),
          ),
        );
    },
    info: () =>
      combinePoolInfos(applied.map((one, index) => ({ endpoint: names[index]!, info: one.info() }))),
    async close() {
      await Promise.all(applied.map((one) => one.close()));
    },
  };
}

async function applyToOne(
  profile: ResolvedProfile,
  upstream: Endpoint,
  options: ApplyOptions,
): Promise<AppliedProfile> {
  const { kernel, extraToxics, notes } = await startKernelPart(profile, upstream);
  const nominal = nominalOf([...profile.toxics, ...extraToxics]);
  let proxy: ProxyControl;
  try {
    proxy = await startProxy(profile, extraToxics, kernel ?? upstream, upstream, options);
  } catch (error) {
    await kernel?.close();
    throw error;
  }
  let packets: { dropped: number; duplicated: number } | undefined;
  let measured: MeasuredEffect | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      options.signal?.removeEventListener('abort', onAbort);
      measured = await proxy.close();
      if (kernel) {
        const c = await kernel.counters();
        packets = {
          dropped: c.upstream.dropped + c.downstream.dropped,
          duplicated: c.upstream.duplicated + c.downstream.duplicated,
        };
        await kernel.close();
      }
    })());
  const onAbort = (): void => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    endpoint: proxiedEndpoint(upstream, proxy),
    profile,
    proxy,
    ...(kernel ? { kernel } : {}),
    close,
    nominal,
    async watch() {
      const window = await proxy.openWindow();
      return async () => checkProfile(nominal, await proxy.closeWindow(window), proxy.runsIn);
    },
    info: () => profileInfo(profile, kernel !== undefined, measured ?? {}, packets, notes),
  };
}

/**
 * The kernel backend, when the profile has packet-level effects and allows it; delay and jitter
 * become proxy toxics when this kernel has no netem.
 */
async function startKernelPart(
  profile: ResolvedProfile,
  upstream: Endpoint,
): Promise<{ kernel?: KernelLink; extraToxics: ResolvedToxic[]; notes: string[] }> {
  const effects = profile.kernel;
  if (effects === undefined || profile.backend === 'proxy') return { extraToxics: [], notes: [] };
  const caps = await detectKernel();
  const plan = planKernel(effects, caps); // throws KERNEL_UNAVAILABLE with the reasons
  const kernel = await startKernelLink(effects, plan.netem, { host: upstream.host, port: upstream.port });
  const notes = [...kernel.applied];
  if (!plan.proxyDelay) return { kernel, extraToxics: [], notes };
  notes.push('kernel delay/jitter applied by the proxy (no netem in this kernel)');
  const extraToxics = (['upstream', 'downstream'] as const).map((stream) => ({
    name: `kernel_delay_${stream}`,
    type: 'latency' as const,
    stream,
    toxicity: 1,
    attributes: { latency: effects.delay ?? 0, jitter: effects.jitter ?? 0, distribution: 'normal' },
  }));
  return { kernel, extraToxics, notes };
}

/** The proxy, in a worker thread of its own (in this thread with a seeded random source). */
async function startProxy(
  profile: ResolvedProfile,
  extraToxics: ResolvedToxic[],
  next: { host: string; port: number },
  upstream: Endpoint,
  options: ApplyOptions,
): Promise<ProxyControl> {
  const proxyOptions = {
    profile: { ...profile, toxics: [...profile.toxics, ...extraToxics] },
    upstream: { host: next.host, port: next.port },
    listen: { host: '127.0.0.1', port: options.listenPort ?? 0 },
    scanMqtt: upstream.transport === 'tcp',
  };
  return options.random
    ? controlInThread(await startTcpProxy({ ...proxyOptions, random: options.random }))
    : await startProxyThread(proxyOptions);
}

function proxiedEndpoint(upstream: Endpoint, proxy: ProxyControl): Endpoint {
  const endpoint: Endpoint = { ...upstream, host: proxy.host, port: proxy.port };
  if (upstream.tls && upstream.tls.servername === undefined && isIP(upstream.host) === 0) {
    endpoint.tls = { ...upstream.tls, servername: upstream.host }; // certificates name the real host
  }
  return endpoint;
}

function profileInfo(
  profile: ResolvedProfile,
  withKernel: boolean,
  m: Partial<MeasuredEffect>,
  packets: { dropped: number; duplicated: number } | undefined,
  notes: readonly string[],
): ProfileInfo {
  const info: ProfileInfo = {
    name: profile.name,
    backend: withKernel ? 'proxy+kernel' : 'proxy',
    measured: {},
  };
  if (profile.description !== undefined) info.description = profile.description;
  if (m.rttMs) {
    info.measured!.rttMs = { p50: m.rttMs.p50, p99: m.rttMs.p99 };
    info.measured!.rttSamples = m.rttMs.count;
  }
  if (m.throughputBytesPerSec !== undefined) info.measured!.throughputBytesPerSec = m.throughputBytesPerSec;
  if (packets) info.measured!.packets = packets;
  if (notes.length > 0) info.notes = [...notes];
  return info;
}

export { NetworkError };
