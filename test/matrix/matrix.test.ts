// The matrix page generator (scripts/matrix/): how scenario verdicts become statement cells, how a
// deviation cell finds and links its entry, and that both renderings carry what the model holds.
import { describe, expect, it } from 'vitest';
import type { LoadResult, RunResult, ScenarioResult } from '../../harness/index.js';
import { parseEntries } from '../../scripts/matrix/deviation-entries.js';
import { renderHtml } from '../../scripts/matrix/html.js';
import { renderMarkdown } from '../../scripts/matrix/markdown.js';
import { buildMatrix, compareIds, totals, type RunInfo } from '../../scripts/matrix/model.js';

const RUN: RunInfo = {
  generatedAt: '2026-12-07T10:00:00.000Z',
  machine: '2 × test CPU',
  loadAverage: 1.5,
  durationMs: 600_000,
  loadDuration: '10s',
  loadRate: 1000,
};

function scenario(
  target: string,
  name: string,
  statements: string[],
  verdict: ScenarioResult['verdict'],
  reason?: string,
): ScenarioResult {
  return {
    id: `${name} [${target}]`,
    name,
    file: `scenarios/${name}.yaml`,
    target,
    profile: 'none',
    mqttVersion: '3.1.1',
    statements,
    tags: [],
    level: 'must',
    verdict,
    durationMs: 1,
    ...(reason === undefined ? {} : { reason }),
  };
}

function result(scenarios: ScenarioResult[], loads: LoadResult[] = []): RunResult {
  return {
    schemaVersion: 1,
    tool: { name: 'mqtt-harness', version: '0.0.0' },
    startedAt: RUN.generatedAt,
    durationMs: 1,
    targets: [
      { name: 'a', kind: 'a', url: 'mqtt://a', version: '1.0' },
      { name: 'b', kind: 'b', url: 'mqtt://b', version: '2.0', startupMs: 1500 },
    ],
    profiles: [],
    scenarios,
    loads,
    summary: { total: 0, passed: 0, failed: 0, skipped: 0, warnings: 0, deviations: 0, loadsFailed: 0 },
  } as RunResult;
}

const DEVIATIONS_YAML = `# header
deviations:
  - scenario: keep-alive
    statement: MQTT-3.1.2-24
    mqtt: '3.1.1'
    behaviour: closes late
    reason: a slow timer
`;

describe('matrix model', () => {
  const deviations = parseEntries(DEVIATIONS_YAML, 'b', 'harness/targets/deviations/b.yaml');
  const conformance = result([
    scenario('a', 'keep-alive', ['MQTT-3.1.2-24', 'MQTT-3.1.2-10'], 'passed'),
    scenario('b', 'keep-alive', ['MQTT-3.1.2-24', 'MQTT-3.1.2-10'], 'deviation', 'known deviation'),
    scenario('a', 'qos2', ['MQTT-4.3.3-2'], 'passed'),
    scenario('b', 'qos2', ['MQTT-4.3.3-2'], 'skipped', "target 'b' lacks: qos2 (no QoS 2 here)"),
    scenario('a', 'will', ['MQTT-3.1.2-10'], 'failed', 'no will'),
    scenario('b', 'will', ['MQTT-3.1.2-10'], 'passed'),
  ]);
  const matrix = buildMatrix({ conformance, loads: [], deviations, brokers: ['a', 'b'], run: RUN });
  const rows = matrix.versions.find((v) => v.version === '3.1.1')!.rows;
  const row = (id: string) => rows.find((r) => r.id === id)!;

  it('reads each deviation entry with the line it starts on', () => {
    expect(deviations).toEqual([
      expect.objectContaining({ broker: 'b', scenario: 'keep-alive', statement: 'MQTT-3.1.2-24', line: 3 }),
    ]);
  });

  it('puts the deviation on the statement its entry names, and the scenario’s other statements are shown by other scenarios', () => {
    expect(row('MQTT-3.1.2-24').cells['b']).toMatchObject({ state: 'deviation', deviation: { line: 3 } });
    // keep-alive stopped at 3.1.2-24 on b, but `will` passed there: 3.1.2-10 counts as a pass.
    expect(row('MQTT-3.1.2-10').cells['b']).toMatchObject({ state: 'pass' });
    // On a, `will` failed: one failing scenario outweighs a passing one.
    expect(row('MQTT-3.1.2-10').cells['a']).toMatchObject({ state: 'fail' });
  });

  it('a capability skip keeps its reason, without the target prefix', () => {
    expect(row('MQTT-4.3.3-2').cells['b']).toEqual({ state: 'skipped', note: 'qos2 (no QoS 2 here)' });
  });

  it('totals count each state per broker; statements sort by their numbers', () => {
    expect(totals(rows, 'b').counts).toMatchObject({ pass: 1, deviation: 1, skipped: 1 });
    expect(['MQTT-3.1.2-24', 'MQTT-3.1.2-3', 'MQTT-3.10.4-1'].sort(compareIds)).toEqual([
      'MQTT-3.1.2-3',
      'MQTT-3.1.2-24',
      'MQTT-3.10.4-1',
    ]);
    expect(matrix.brokers).toEqual([
      { name: 'a', version: '1.0' },
      { name: 'b', version: '2.0', startupMs: 1500 },
    ]);
  });

  it('the markdown links a deviation cell to its entry and states the date and machine', () => {
    const markdown = renderMarkdown(matrix);
    expect(markdown).toContain('Generated 2026-12-07T10:00:00.000Z');
    expect(markdown).toContain('2 × test CPU');
    expect(markdown).toContain('[D](../harness/targets/deviations/b.yaml#L3 "closes late")');
    expect(markdown).toContain('| MQTT-4.3.3-2 | MUST NOT | ✓ | – |');
    expect(markdown).toContain('qos2 (no QoS 2 here) (1 statement)');
  });

  it('the HTML page is one escaped document without scripts', () => {
    const page = renderHtml(matrix);
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).not.toContain('<script');
    expect(page).toContain('href="../harness/targets/deviations/b.yaml#L3"');
    expect(page).toContain('closes late — a slow timer');
  });
});
