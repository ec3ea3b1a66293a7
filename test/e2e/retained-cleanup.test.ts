// After a scenario, the retained messages it left (including a retained will) are cleared, so runs
// can repeat against a persistent broker. Checked against a real Mosquitto with a fresh subscriber.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync, type MqttClient } from 'mqtt';
import { parseScenario } from '../../harness/scenario/index.js';
import { runScenarioInstance } from '../../harness/runner/scenario-run.js';
import { startTarget } from '../../harness/targets/index.js';
import type { StartedTarget } from '../../harness/targets/types.js';

let target: StartedTarget;
beforeAll(async () => {
  target = await startTarget('mosquitto', { cwd: process.cwd() });
});
afterAll(async () => {
  await target?.stop();
});

const SCENARIO = `name: leaves-retained
steps:
  - connect: { client: p }
  - publish: { client: p, topic: '\${prefix}a', payload: one, qos: 1, retain: true }
  - publish: { client: p, topic: '\${prefix}b/c', payload: two, qos: 1, retain: true }
  - connect: { client: w, will: { topic: '\${prefix}will', payload: bye, retain: true } }
  - drop: { client: w }
  - connect: { client: s }
  - subscribe: { client: s, filter: '\${prefix}will' }
  - expect: { client: s, packet: { type: publish, payload: bye, retain: true } }
`;

async function retainedUnder(prefix: string): Promise<string[]> {
  const client: MqttClient = await connectAsync(target.url, {
    protocolVersion: 4,
    clean: true,
    connectTimeout: 5000,
  });
  const topics: string[] = [];
  const marker = `${prefix}~marker`;
  // The broker sends the retained messages right after the SUBACK, before anything published later on
  // the same connection: a message of our own marks the end of them.
  const done = new Promise<void>((resolve) => {
    client.on('message', (topic, payload, packet) => {
      if (topic === marker) resolve();
      else if (packet.retain && payload.length > 0) topics.push(topic);
    });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  await client.publishAsync(marker, 'end', { qos: 1 });
  await done;
  await client.endAsync();
  return topics.sort();
}

describe('retained cleanup', () => {
  it('clears every retained message the scenario left', async () => {
    const { scenario } = parseScenario(SCENARIO, 'cleanup.yaml');
    const result = await runScenarioInstance(
      { scenario: scenario!, version: '3.1.1', target, endpoint: target.endpoint, profile: 'none', seq: 1 },
      { runId: 'clean', stepTimeout: 3000, scenarioTimeout: 10000, signal: new AbortController().signal },
    );
    expect(result.verdict).toBe('passed');
    expect(await retainedUnder('mh-clean1/')).toEqual([]);
    // Control: the same check sees retained messages when they are there.
    const other = await connectAsync(target.url, { protocolVersion: 4 });
    await other.publishAsync('mh-control/x', 'kept', { retain: true, qos: 1 });
    await other.endAsync();
    expect(await retainedUnder('mh-control/')).toEqual(['mh-control/x']);
  });
});
