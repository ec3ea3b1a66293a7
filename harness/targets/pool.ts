// Target pools: one broker cluster reached through several endpoints. A URL may list them
// (`mqtt://h1:1883,h2:1883`, one scheme and one set of credentials for all), or a configured url
// target may add `endpoints: [...]`. The load engine spreads its clients over the pool, round-robin
// by client ordinal (every shard agrees on it) or by a hash of the client id, and reports figures
// per endpoint as well as overall.
import { TargetError } from './errors.js';

export const POOL_SPREADS = ['round-robin', 'hash'] as const;
export type PoolSpread = (typeof POOL_SPREADS)[number];

/**
 * `scheme://[user:pass@]h1[:p1],h2[:p2][/path]` → one URL per host, each with the scheme, the
 * credentials and the path. A URL without a comma comes back alone.
 */
export function splitEndpointList(url: string): string[] {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/@]*@)?([^/]*)(.*)$/i.exec(url);
  if (match === null || !match[3]!.includes(',')) return [url];
  const [, scheme, credentials = '', hosts, rest] = match;
  const parts = hosts!.split(',').map((host) => host.trim());
  if (parts.some((host) => host === ''))
    throw new TargetError('options-invalid', `an empty endpoint in the list '${hosts}'`);
  return parts.map((host) => `${scheme}${credentials}${host}${rest}`);
}

/** Which endpoint of a pool of `size` a client goes to. */
export function endpointFor(spread: PoolSpread, ordinal: number, clientId: string, size: number): number {
  if (size <= 1) return 0;
  if (spread === 'round-robin') return ordinal % size;
  let hash = 0x811c9dc5; // FNV-1a, 32 bit
  for (let index = 0; index < clientId.length; index++) {
    hash ^= clientId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % size;
}
