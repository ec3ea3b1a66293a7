// Counters added field by field: worker reports into a load's figures, runs into a merged load,
// delivery verdicts per QoS, endpoints of a target pool. Each kind of record names its counted
// fields once here, and every sum goes through addCounts.

/** A load's message counts (LoadResult, WorkerReport). */
export const LOAD_COUNTS = ['intended', 'sent', 'dropped', 'received', 'errors'] as const;
/** The warm-up's message counts (LoadWarmup, WorkerReport.warmup). */
export const WARMUP_COUNTS = ['intended', 'sent', 'dropped', 'received'] as const;
/** Connection counts; `peak` too: runs and workers in parallel hold their connections at once. */
export const CONNECTION_COUNTS = ['attempted', 'connected', 'failed', 'peak'] as const;
/** An interval's counts (LoadInterval). */
export const INTERVAL_COUNTS = ['sent', 'received', 'errors'] as const;
/** A delivery verdict's counts (DeliveryVerdict). */
export const DELIVERY_COUNTS = ['expected', 'received', 'lost', 'duplicated', 'outOfOrder'] as const;
/** An endpoint's counts (EndpointFigures). */
export const ENDPOINT_COUNTS = ['clients', 'connected', 'failed', 'sent', 'received'] as const;

type Counts<Key extends string> = Record<Key, number>;

/** Every key at 0, in the keys' order. */
export function zeroCounts<Key extends string>(keys: readonly Key[]): Counts<Key> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Counts<Key>;
}

/** Adds `part`'s `keys` into `total` (in place) and returns `total`. */
export function addCounts<Total extends Counts<Key>, Key extends string>(
  total: Total,
  part: Readonly<Counts<Key>>,
  keys: readonly Key[],
): Total {
  for (const key of keys) (total as Counts<Key>)[key] += part[key];
  return total;
}

/** The `keys` of every part, summed (every key 0 without parts). */
export function sumCounts<Key extends string>(
  parts: Iterable<Readonly<Counts<Key>>>,
  keys: readonly Key[],
): Counts<Key> {
  const total = zeroCounts(keys);
  for (const part of parts) addCounts(total, part, keys);
  return total;
}
