// What makes the shards of one run recognise each other: a run id every shard is given (the
// launcher's, or the Job's uid on Kubernetes), from which the client-id prefix and the payload run
// tag derive, and the hash of the resolved load (everything but the shard), which the merge checks.
import { createHash } from 'node:crypto';

/** Canonical JSON: keys sorted, so equal objects hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** sha256 (hex, 16 characters) of the resolved load: section, name, target, profile, version, endpoints. */
export function planHash(plan: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(plan)).digest('hex').slice(0, 16);
}

/** Client-id prefix and payload run tag of a sharded run: the same in every shard. */
export function runIdentity(runId: string, loadHash: string): { prefix: string; runTag: number } {
  const digest = createHash('sha256').update(`${runId}\0${loadHash}`).digest();
  return { prefix: `lt${digest.subarray(0, 4).toString('hex')}`, runTag: digest.readUInt32BE(4) };
}
