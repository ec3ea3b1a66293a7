// Timing differences with a delay injected on purpose: the same reference broker, once directly and
// once behind a proxy that holds everything it sends for 3 s. The delay is far beyond the default
// tolerance (500 ms and 3×), so a busy machine cannot hide it; nothing else may differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import { applyProfile, type AppliedProfile, type ResolvedProfile } from '../../harness/network/index.js';
import { parseScenario } from '../../harness/scenario/index.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';

const DELAY_MS = 3000;
const SLOW: ResolvedProfile = {
  name: 'slow-downstream',
  source: 'test',
  backend: 'proxy',
  toxics: [
    { name: 'late', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: DELAY_MS } },
  ],
};

const { scenario } = parseScenario(
  `name: slow-replies
mqtt: '3.1.1'
steps:
  - connect: { client: a, timeout: 15000 }
  - publish: { client: a, topic: '\${prefix}t', qos: 1, payload: x, timeout: 15000 }
`,
  'slow-replies.yaml',
);

let broker: StartedTarget;
let slow: AppliedProfile;
beforeAll(async () => {
  broker = await startTarget('reference', { cwd: process.cwd() });
  slow = await applyProfile(SLOW, broker.endpoint, { cwd: process.cwd() });
});
afterAll(async () => {
  await slow?.close();
  await broker?.stop();
});

describe('harness diff: timing', () => {
  it('reports the delayed CONNACK and PUBACK as timing differences of the slow target', async () => {
    if (scenario === undefined) throw new Error('scenario did not parse');
    const url = `mqtt://127.0.0.1:${slow.endpoint.port}`;
    const result = await runHarness({
      scenarios: [scenario],
      targets: [`mqtt://${broker.endpoint.host}:${broker.endpoint.port}`, url],
      diff: {},
      timeouts: { scenario: 60_000 },
    });
    expect(result.scenarios.map((s) => s.verdict)).toEqual(['passed', 'passed']);
    const rows = result.diff?.rows ?? [];
    expect(rows.map((row) => [row.class, row.aspect, row.packet, row.target])).toEqual([
      ['timing', 'timing', 'CONNACK', url],
      ['timing', 'timing', 'PUBACK', url],
    ]);
    for (const row of rows) {
      const [occurrence] = row.occurrences;
      expect(occurrence?.otherMs).toBeGreaterThanOrEqual(DELAY_MS);
      expect(row.next.join(' ')).toMatch(/timeout/);
    }
    expect(rows.map((row) => row.occurrences[0]?.location)).toEqual([
      'slow-replies.yaml:4',
      'slow-replies.yaml:5',
    ]);
  });
});
