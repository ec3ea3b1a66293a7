// What makes two load results the same load: name × target × profile × MQTT version. `harness
// compare` matches loads by it and `harness merge` merges only loads that share it.
import type { LoadResult } from './model.js';

export function loadKey(load: Pick<LoadResult, 'name' | 'target' | 'profile' | 'mqttVersion'>): string {
  return `${load.name} · ${load.target} · ${load.profile} · MQTT ${load.mqttVersion}`;
}
