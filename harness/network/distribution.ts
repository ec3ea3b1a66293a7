// Jitter distributions for the latency toxic. All return a delay ≥ 0 in ms.
import type { Distribution } from './schema.js';

export type Random = () => number;

function gaussian(random: Random): number {
  // Box–Muller; 1 - u avoids log(0).
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * uniform: latency ± jitter (Toxiproxy). normal: mean latency, standard deviation jitter.
 * pareto: never below latency, heavy tail scaled by jitter.
 */
export function sampleDelay(
  latency: number,
  jitter: number,
  distribution: Distribution,
  random: Random,
): number {
  if (jitter <= 0) return latency;
  switch (distribution) {
    case 'uniform':
      return Math.max(0, latency + (random() * 2 - 1) * jitter);
    case 'normal':
      return Math.max(0, latency + gaussian(random) * jitter);
    case 'pareto':
      // Pareto with shape 3 shifted to start at `latency`: median +0.26 × jitter, long tail.
      return latency + jitter * (Math.pow(1 - random(), -1 / 3) - 1);
  }
}
