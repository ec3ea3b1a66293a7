import { describe, expect, it } from 'vitest';
import { CONNECTIONS_PER_ADDRESS, sourceAddresses } from '../../harness/load/plan.js';

describe('loopback source addresses', () => {
  it('spread a large shard over addresses of its own, none holding more than CONNECTIONS_PER_ADDRESS', () => {
    const perShard = Math.ceil(100_000 / 6);
    const shards = [0, 1, 2, 3, 4, 5].map((index) => sourceAddresses('auto', '127.0.0.1', perShard, index));
    for (const addresses of shards) {
      expect(addresses.length).toBe(Math.ceil(perShard / CONNECTIONS_PER_ADDRESS));
      expect(perShard / addresses.length).toBeLessThanOrEqual(CONNECTIONS_PER_ADDRESS);
    }
    const all = shards.flat();
    expect(new Set(all).size).toBe(all.length); // shards never share an address
    expect(shards[1]![0]).toBe(`127.0.0.${shards[0]!.length + 1}`);
  });

  it('let the OS choose for a small unsharded load or a remote broker; a small shard binds one', () => {
    expect(sourceAddresses('auto', '127.0.0.1', CONNECTIONS_PER_ADDRESS)).toEqual([]);
    expect(sourceAddresses('auto', '127.0.0.1', CONNECTIONS_PER_ADDRESS + 1)).toEqual([
      '127.0.0.1',
      '127.0.0.2',
    ]);
    expect(sourceAddresses('auto', 'broker.example', 50_000)).toEqual([]);
    expect(sourceAddresses('auto', '127.0.0.1', 2000, 3)).toEqual(['127.0.0.4']);
    expect(sourceAddresses('auto', '127.0.0.1', 500, 3)).toEqual([]);
  });
});
