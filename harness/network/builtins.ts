// Built-in profiles. Figures are typical one-way values per direction; RTT = 2 × latency.
// Rates in KB/s (1000 bytes), as Toxiproxy's bandwidth toxic.
import type { ProfileFile } from './schema.js';

const lat = (latency: number, jitter: number, distribution: 'normal' | 'pareto' = 'normal') => ({
  type: 'latency' as const,
  attributes: { latency, jitter, distribution },
});
const bw = (stream: 'upstream' | 'downstream' | 'both', rate: number) => ({
  type: 'bandwidth' as const,
  stream,
  attributes: { rate },
});

export const builtinProfiles: Record<string, ProfileFile> = {
  lan: {
    name: 'lan',
    description: 'Wired LAN: 1 ms RTT, 1 Gbit/s',
    toxics: [lat(0.5, 0.05), bw('both', 125_000)],
  },
  wifi: {
    name: 'wifi',
    description: 'Home Wi-Fi: 10 ms RTT with jitter, 50 Mbit/s',
    toxics: [lat(5, 3), bw('both', 6_250)],
  },
  '4g': {
    name: '4g',
    description: '4G/LTE: 50 ms RTT, 12 Mbit/s down, 5 Mbit/s up',
    toxics: [lat(25, 8), bw('downstream', 1_500), bw('upstream', 625)],
  },
  '3g': {
    name: '3g',
    description: '3G: 200 ms RTT, 2 Mbit/s down, 750 kbit/s up',
    toxics: [lat(100, 25), bw('downstream', 250), bw('upstream', 94)],
  },
  '2g-edge': {
    name: '2g-edge',
    description: '2G/EDGE: 400 ms RTT, 240/200 kbit/s, small radio blocks',
    toxics: [
      lat(200, 50, 'pareto'),
      bw('downstream', 30),
      bw('upstream', 25),
      { type: 'slicer', attributes: { average_size: 512, size_variation: 128, delay: 2000 } },
    ],
  },
  satellite: {
    name: 'satellite',
    description: 'Geostationary satellite: ≈600 ms RTT, 10 Mbit/s down, 2 Mbit/s up',
    toxics: [lat(300, 10), bw('downstream', 1_250), bw('upstream', 250)],
  },
  'lossy-1': {
    name: 'lossy-1',
    description: '1% random packet loss each way (kernel backend), 10 ms RTT',
    backend: 'kernel',
    toxics: [lat(5, 1)],
    kernel: { loss: 1 },
  },
  'lossy-5': {
    name: 'lossy-5',
    description: '5% random packet loss each way (kernel backend), 10 ms RTT',
    backend: 'kernel',
    toxics: [lat(5, 1)],
    kernel: { loss: 5 },
  },
  flapping: {
    name: 'flapping',
    description: 'Link stalls for 3 s every 30 s (data held, then released), 20 ms RTT',
    toxics: [lat(10, 2), { type: 'stall', schedule: { from: 27_000, every: 30_000, for: 3_000 } }],
  },
  bufferbloat: {
    name: 'bufferbloat',
    description: '1 Mbit/s uplink behind a deep queue: latency grows with load, 20 ms idle RTT',
    toxics: [lat(10, 1), bw('both', 125)],
  },
};
