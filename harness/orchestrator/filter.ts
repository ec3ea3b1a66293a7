// Which scenarios and versions a run picks: name (grep), tags, MQTT versions. `harness list` uses
// the same function, so it shows exactly what `harness run` would run.
import type { MqttVersion, ResolvedScenario } from '../scenario/index.js';

export interface ScenarioFilters {
  /** Only scenarios whose name matches (a RegExp or its source). */
  grep?: string | RegExp | null;
  /** Only scenarios with at least one of these tags (none: no filter). */
  tags?: readonly string[];
  /** Only these MQTT versions (none: no filter). */
  mqtt?: MqttVersion | readonly MqttVersion[];
}

export function filterScenarios(
  scenarios: readonly ResolvedScenario[],
  filters: ScenarioFilters,
): ResolvedScenario[] {
  const grep = typeof filters.grep === 'string' ? new RegExp(filters.grep) : (filters.grep ?? undefined);
  return scenarios.filter(
    (s) =>
      (!grep || grep.test(s.name)) &&
      (!filters.tags || filters.tags.length === 0 || filters.tags.some((t) => s.tags.includes(t))) &&
      selectedVersions(s, filters.mqtt).length > 0,
  );
}

/** The scenario's versions the filter lets through. */
export function selectedVersions(
  scenario: ResolvedScenario,
  mqtt: MqttVersion | readonly MqttVersion[] | undefined,
): MqttVersion[] {
  const wanted: readonly MqttVersion[] = mqtt === undefined ? [] : typeof mqtt === 'string' ? [mqtt] : mqtt;
  return scenario.versions.filter((v) => wanted.length === 0 || wanted.includes(v));
}
