// Packet-level effects on one side of the veth pair: tc qdiscs on the device, nft rules (loss on
// input, duplication on output).
// Everything lives inside our own namespaces: deleting them removes it all.
import { NetworkError } from '../errors.js';
import type { KernelEffects } from '../schema.js';
import type { KernelCapabilities } from './detect.js';
import { run, runIn } from './exec.js';

export interface Side {
  namespace: string;
  device: string;
  /** Address of the peer (for nft dup). */
  peer: string;
}

async function must(what: string, result: Promise<{ ok: boolean; stderr: string }>): Promise<void> {
  const r = await result;
  if (!r.ok) throw new NetworkError('KERNEL_SETUP_FAILED', `${what} failed: ${r.stderr}`);
}

/** What the kernel can do for these effects; throws KERNEL_UNAVAILABLE for what it cannot. */
export function planKernel(
  effects: KernelEffects,
  caps: KernelCapabilities,
): { netem: boolean; proxyDelay: boolean } {
  const lacking: string[] = [];
  if (!caps.root || !caps.netns || !caps.veth) lacking.push(...caps.missing);
  const netem = caps.netem;
  if (!netem) {
    if ((effects.loss ?? 0) > 0 && !caps.loss) lacking.push('packet loss: needs nftables numgen (or netem)');
    if ((effects.duplicate ?? 0) > 0 && !caps.duplicate)
      lacking.push('duplication: needs nft dup (or netem)');
    if ((effects.reorder ?? 0) > 0)
      lacking.push('reorder: needs tc netem (kernel module sch_netem is missing)');
    if ((effects.corrupt ?? 0) > 0)
      lacking.push('corruption: needs tc netem (kernel module sch_netem is missing)');
  }
  if (effects.rate !== undefined && !caps.tbf) lacking.push('rate: needs tc tbf');
  if (lacking.length > 0) {
    throw new NetworkError('KERNEL_UNAVAILABLE', 'the kernel backend cannot apply this profile here', [
      ...new Set(lacking),
    ]);
  }
  return { netem, proxyDelay: !netem && ((effects.delay ?? 0) > 0 || (effects.jitter ?? 0) > 0) };
}

export async function applyRules(side: Side, effects: KernelEffects, netem: boolean): Promise<string[]> {
  if (netem) return applyNetem(side, effects);
  const applied: string[] = [];
  if (effects.rate !== undefined) {
    await must('tc tbf', addQdisc(side, ['root', ...tbfArgs(effects)]));
    applied.push(tbfArgs(effects).join(' '));
  }
  applied.push(...(await applyNftRules(side, effects)));
  return applied;
}

function addQdisc(side: Side, args: string[]): Promise<{ ok: boolean; stderr: string }> {
  return run('tc', ['-n', side.namespace, 'qdisc', 'add', 'dev', side.device, ...args]);
}

/** A token bucket for `rate` (kbit/s) with a burst of 10 ms worth and a queue of `queue` bytes. */
function tbfArgs(effects: KernelEffects): string[] {
  const rate = effects.rate!;
  const burst = Math.max(3_000, Math.ceil((rate * 1000) / 8 / 100)); // 10 ms worth
  return ['tbf', 'rate', `${rate}kbit`, 'burst', String(burst), 'limit', String(effects.queue ?? 65_536)];
}

/** All effects by netem at the root, with the rate limit (tbf) as its child when both are set. */
async function applyNetem(side: Side, effects: KernelEffects): Promise<string[]> {
  const applied: string[] = [];
  const args = ['root', 'handle', '1:', 'netem'];
  if (effects.delay !== undefined || effects.jitter !== undefined) {
    args.push('delay', `${effects.delay ?? 0}ms`);
    if (effects.jitter) args.push(`${effects.jitter}ms`);
  }
  if (effects.loss) args.push('loss', `${effects.loss}%`);
  if (effects.duplicate) args.push('duplicate', `${effects.duplicate}%`);
  if (effects.reorder) args.push('reorder', `${effects.reorder}%`);
  if (effects.corrupt) args.push('corrupt', `${effects.corrupt}%`);
  if (args.length > 4) {
    await must('tc netem', addQdisc(side, args));
    applied.push(`netem ${args.slice(4).join(' ')}`);
  }
  if (effects.rate !== undefined) {
    await must(
      'tc tbf',
      addQdisc(
        side,
        args.length > 4
          ? ['parent', '1:1', 'handle', '10:', ...tbfArgs(effects)]
          : ['root', ...tbfArgs(effects)],
      ),
    );
    applied.push(tbfArgs(effects).join(' '));
  }
  return applied;
}

/** Loss and duplication by nftables (no netem). */
async function applyNftRules(side: Side, effects: KernelEffects): Promise<string[]> {
  const applied: string[] = [];
  const { namespace: ns, device } = side;
  // Loss is applied where packets arrive (input hook, matched on the veth): the sender's TCP learns
  // of it only as real loss does (duplicate ACKs, timeouts) and retransmits. A drop on the sender's
  // own output hook would be reported to TCP at once as a local send failure and quietly requeued.
  // Duplication stays on output (`dup to` sends a copy out of the device). numgen random mod 1000
  // gives 0.1% steps.
  const inputRules: string[][] = [];
  const outputRules: string[][] = [];
  if (effects.loss)
    inputRules.push([
      'iifname',
      device,
      'numgen',
      'random',
      'mod',
      '1000',
      '<',
      String(Math.round(effects.loss * 10)),
      'counter',
      'drop',
    ]);
  if (effects.duplicate) {
    outputRules.push([
      'oifname',
      device,
      'numgen',
      'random',
      'mod',
      '1000',
      '<',
      String(Math.round(effects.duplicate * 10)),
      'counter',
      'dup',
      'to',
      side.peer,
      'device',
      device,
    ]);
  }
  if (inputRules.length + outputRules.length > 0) {
    await must('nft table', runIn(ns, 'nft', ['add', 'table', 'ip', 'mqtt_harness']));
    for (const [chain, hook, rules] of [
      ['in', 'input', inputRules],
      ['out', 'output', outputRules],
    ] as const) {
      if (rules.length === 0) continue;
      await must(
        'nft chain',
        runIn(ns, 'nft', [
          'add',
          'chain',
          'ip',
          'mqtt_harness',
          chain,
          `{ type filter hook ${hook} priority 0; }`,
        ]),
      );
      for (const rule of rules) {
        await must('nft rule', runIn(ns, 'nft', ['add', 'rule', 'ip', 'mqtt_harness', chain, ...rule]));
        applied.push(`nft ${rule.slice(2).join(' ')} (${hook} hook)`);
      }
    }
  }
  return applied;
}

/** Packets dropped and duplicated so far on this side (from the nft counters). */
export async function readCounters(side: Side): Promise<{ dropped: number; duplicated: number }> {
  const r = await runIn(side.namespace, 'nft', ['list', 'table', 'ip', 'mqtt_harness']);
  const count = (action: string): number => {
    const m = new RegExp(`counter packets (\\d+) bytes \\d+ ${action}`).exec(r.stdout);
    return m ? Number(m[1]) : 0;
  };
  return r.ok ? { dropped: count('drop'), duplicated: count('dup') } : { dropped: 0, duplicated: 0 };
}
