// What this machine's kernel offers, found by trying it in a throw-away namespace pair.
import { run, runIn } from './exec.js';

export interface KernelCapabilities {
  root: boolean;
  netns: boolean;
  veth: boolean;
  nft: boolean;
  /** nft numgen random drop (packet loss). */
  loss: boolean;
  /** nft dup (packet duplication). */
  duplicate: boolean;
  /** tc tbf (rate limit with a queue). */
  tbf: boolean;
  /** tc netem (delay, jitter, loss, reorder, corruption). */
  netem: boolean;
  /** Why something is missing, one line each. */
  missing: string[];
}

let cached: Promise<KernelCapabilities> | undefined;

export function detectKernel(): Promise<KernelCapabilities> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<KernelCapabilities> {
  const caps: KernelCapabilities = {
    root: process.getuid?.() === 0,
    netns: false,
    veth: false,
    nft: false,
    loss: false,
    duplicate: false,
    tbf: false,
    netem: false,
    missing: [],
  };
  if (!caps.root) {
    caps.missing.push('not root: namespaces, nftables and tc need CAP_NET_ADMIN (run as root)');
    return caps;
  }
  if (!(await run('ip', ['-V'])).ok) {
    caps.missing.push("'ip' not found: install iproute2");
    return caps;
  }
  const ns = `mqh-probe-${process.pid}`;
  const added = await run('ip', ['netns', 'add', ns]);
  if (!added.ok) {
    caps.missing.push(`cannot create a network namespace: ${added.stderr}`);
    return caps;
  }
  caps.netns = true;
  try {
    if (!(await probeVeth(ns, caps))) return caps;
    await probeTc(ns, caps);
    await probeNft(ns, caps);
    return caps;
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
}

/** A veth pair in the namespace, p0 addressed and up: false (and why, in caps.missing) if none. */
async function probeVeth(ns: string, caps: KernelCapabilities): Promise<boolean> {
  const veth = await run('ip', ['-n', ns, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']);
  if (!veth.ok) {
    caps.missing.push(`no veth pairs: ${veth.stderr}`);
    return false;
  }
  caps.veth = true;
  await run('ip', ['-n', ns, 'addr', 'add', '10.213.0.1/30', 'dev', 'p0']);
  await run('ip', ['-n', ns, 'link', 'set', 'p0', 'up']);
  return true;
}

/** tc: tbf (rate limits) and netem (delay, jitter, reorder, corruption) on p0. */
async function probeTc(ns: string, caps: KernelCapabilities): Promise<void> {
  const tbf = await run('tc', [
    '-n',
    ns,
    'qdisc',
    'add',
    'dev',
    'p0',
    'root',
    'tbf',
    'rate',
    '1mbit',
    'burst',
    '4kb',
    'limit',
    '64kb',
  ]);
  caps.tbf = tbf.ok;
  if (!tbf.ok) caps.missing.push(`no tc tbf (rate limits): ${tbf.stderr}`);
  await run('tc', ['-n', ns, 'qdisc', 'del', 'dev', 'p0', 'root']);
  const netem = await run('tc', ['-n', ns, 'qdisc', 'add', 'dev', 'p0', 'root', 'netem', 'delay', '1ms']);
  caps.netem = netem.ok;
  if (!netem.ok) {
    caps.missing.push(
      `no tc netem (kernel module sch_netem missing: ${netem.stderr}): delay/jitter come from the proxy; reorder and corruption are unavailable`,
    );
  }
}

/** nftables: a table and an output chain, then random drop (loss) and dup (duplication) rules. */
async function probeNft(ns: string, caps: KernelCapabilities): Promise<void> {
  if (!(await run('nft', ['--version'])).ok) {
    caps.missing.push("'nft' not found: install nftables (packet loss and duplication need it)");
    return;
  }
  const table = await runIn(ns, 'nft', ['add', 'table', 'ip', 'probe']);
  const chain = await runIn(ns, 'nft', [
    'add',
    'chain',
    'ip',
    'probe',
    'out',
    '{ type filter hook output priority 0; }',
  ]);
  caps.nft = table.ok && chain.ok;
  if (!caps.nft) {
    caps.missing.push(`nftables does not work here: ${table.stderr || chain.stderr}`);
    return;
  }
  const loss = await runIn(ns, 'nft', [
    'add',
    'rule',
    'ip',
    'probe',
    'out',
    'numgen',
    'random',
    'mod',
    '100',
    '<',
    '5',
    'drop',
  ]);
  caps.loss = loss.ok;
  if (!loss.ok) caps.missing.push(`nft numgen random drop not supported: ${loss.stderr}`);
  const dup = await runIn(ns, 'nft', [
    'add',
    'rule',
    'ip',
    'probe',
    'out',
    'oifname',
    'p0',
    'numgen',
    'random',
    'mod',
    '100',
    '<',
    '5',
    'dup',
    'to',
    '10.213.0.2',
    'device',
    'p0',
  ]);
  caps.duplicate = dup.ok;
  if (!dup.ok) caps.missing.push(`nft dup not supported (nf_dup_ipv4): ${dup.stderr}`);
}
