// runHarness hands `load:` scenarios to the load module and puts their results in RunResult.loads,
// next to conformance scenarios of the same run (real Mosquitto). A load section the load module
// rejects is a validation error with the file position.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHarness } from '../../harness/api.js';
import { formatIssue } from '../../harness/errors.js';
import { parseScenario } from '../../harness/scenario/index.js';

const LOAD = `name: tiny-load
mqtt: '3.1.1'
load:
  executor: constant-arrival-rate
  rate: 100
  duration: 1s
  publishers: { count: 2, topic: '{prefix}/t/%i', qos: 1, size: 64 }
  subscribers: { count: 1, topic: '{prefix}/t/+', qos: 1 }
  thresholds: ['lost == 0']
`;

describe('load scenarios in a run', () => {
  it('runs them through the load module and reports them in loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-load-'));
    await writeFile(join(dir, 'load.yaml'), LOAD);
    await writeFile(
      join(dir, 'ping.yaml'),
      "name: ping\nmqtt: '3.1.1'\nsteps:\n  - connect: {}\n  - ping: {}\n",
    );
    const progress: number[] = [];
    const result = await runHarness({
      paths: [dir],
      targets: ['mosquitto'],
      cwd: dir,
      reporters: { onLoadProgress: (p) => void progress.push(p.elapsedMs) },
    });
    expect(result.summary).toMatchObject({ total: 1, passed: 1, loadsFailed: 0 });
    expect(result.loads).toHaveLength(1);
    expect(result.loads[0]).toMatchObject({ name: 'tiny-load', target: 'mosquitto', mqttVersion: '3.1.1' });
    // Nothing lost: passed, or inconclusive where a busy machine made the generator miss its schedule.
    const load = result.loads[0]!;
    if (load.verdict === 'inconclusive') expect(load.reason).toMatch(/schedule missed|generator saturated/);
    else expect(load.verdict).toBe('passed');
    expect(result.loads[0]?.received).toBe(result.loads[0]?.sent);
  });

  it("reports the load module's own rules as validation problems", () => {
    const { issues } = parseScenario(LOAD.replace("'lost == 0'", "'lost =='"), 'l.yaml');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path === 'load' && i.line === 3)).toBe(true);
    expect(issues.map(formatIssue).join('\n')).toMatch(/^l\.yaml:3:1: load: /);
  });
});
