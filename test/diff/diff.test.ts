// diffRun on results built in memory: alignment by step and client, what counts as a difference
// (and what a server may choose freely), classes, grouping of identical differences, timing.
import { describe, expect, it } from 'vitest';
import { diffRun } from '../../harness/diff/index.js';
import type { ScenarioResult, TranscriptEvent } from '../../harness/result/model.js';

type Received = Omit<TranscriptEvent, 'seq' | 'client' | 'direction' | 'sinceStepMs' | 'kind'> & {
  client?: string;
  kind?: TranscriptEvent['kind'];
};

/** A scenario result of one target: two steps (connect, publish) and what the target sent. */
function result(
  target: string,
  received: Received[],
  extra: Partial<ScenarioResult> = {},
  name = 's1',
): ScenarioResult {
  const prefix = `mh-${target}/`;
  return {
    id: `${name} [${target}]`,
    name,
    file: 'scenarios/s1.yaml',
    target,
    profile: 'none',
    mqttVersion: '5.0',
    statements: ['MQTT-3.4.2-1'],
    tags: [],
    level: 'must',
    verdict: 'passed',
    durationMs: 10,
    steps: [
      { index: 0, kind: 'connect', client: 'a', status: 'passed', startMs: 0, durationMs: 5 },
      { index: 1, kind: 'publish', client: 'a', status: 'passed', startMs: 10, durationMs: 5 },
    ],
    transcript: {
      version: 1,
      variables: { prefix, 'clientId.a': `mh-${target}-a` },
      steps: [
        { index: 0, kind: 'connect', location: 'scenarios/s1.yaml:5', clients: ['a'] },
        { index: 1, kind: 'publish', location: 'scenarios/s1.yaml:6', clients: ['a'] },
      ],
      events: received.map((event, seq) => ({
        seq,
        client: 'a',
        direction: 'received',
        kind: 'packet',
        sinceStepMs: 0,
        ...event,
        ...(event.packet !== undefined && {
          packet: JSON.parse(JSON.stringify(event.packet).replaceAll('PREFIX/', prefix)) as Record<
            string,
            unknown
          >,
        }),
      })),
    },
    ...extra,
  };
}

const connack = (properties: Record<string, unknown> = {}): Received => ({
  atMs: 2,
  step: 0,
  type: 'connack',
  packet: {
    type: 'connack',
    sessionPresent: false,
    reasonCode: 0,
    properties: { assignedClientIdentifier: 'x', ...properties },
  },
});
const puback = (reasonCode: number, packetId = 1, atMs = 12): Received => ({
  atMs,
  step: 1,
  type: 'puback',
  packet: { type: 'puback', packetId, reasonCode },
});
const publish = (atMs = 13): Received => ({
  atMs,
  step: 1,
  type: 'publish',
  packet: {
    type: 'publish',
    topic: 'PREFIX/t',
    qos: 0,
    retain: false,
    dup: false,
    payload: { hex: '78', utf8: 'x' },
  },
});
const settings = { baseline: 'A', timingToleranceMs: 500, timingFactor: 3 };
const targets = [{ name: 'A' }, { name: 'B' }];

describe('diffRun', () => {
  it('finds nothing where only prefixes, client ids, packet ids and assigned ids differ', () => {
    const a = result('A', [connack({ assignedClientIdentifier: 'one' }), puback(0, 1), publish()]);
    const b = result('B', [connack({ assignedClientIdentifier: 'two' }), puback(0, 7), publish()]);
    const report = diffRun({ targets, scenarios: [a, b] }, settings);
    expect(report).toMatchObject({ compared: 1, total: 0, rows: [], targets: ['A', 'B'] });
  });

  it('reports a reason code at its step, with file:line, statements and next steps', () => {
    const report = diffRun(
      { targets, scenarios: [result('A', [connack(), puback(0x10)]), result('B', [connack(), puback(0)])] },
      settings,
    );
    expect(report.rows).toHaveLength(1);
    const [row] = report.rows;
    expect(row).toMatchObject({
      class: 'both legal',
      aspect: 'reason code',
      packet: 'PUBACK',
      field: 'reasonCode',
      baseline: '0x10 (No matching subscribers)',
      other: '0x00 (Success)',
      count: 1,
      statements: ['MQTT-3.4.2-1'],
    });
    expect(row?.occurrences[0]).toMatchObject({
      step: 1,
      stepKind: 'publish',
      location: 'scenarios/s1.yaml:6',
      client: 'a',
    });
    expect(row?.next.join('\n')).toMatch(
      /stricter scenario: pin reasonCode to 0x10 .* at scenarios\/s1.yaml:6/,
    );
    expect(row?.next.join('\n')).toMatch(/known deviation: .*'B'/);
  });

  it('groups the same difference over many scenarios into one row', () => {
    const scenarios = [];
    for (let i = 0; i < 100; i++) {
      scenarios.push(result('A', [connack({ receiveMaximum: 64 })], {}, `s${i}`));
      scenarios.push(result('B', [connack({ receiveMaximum: 20 })], {}, `s${i}`));
    }
    const report = diffRun({ targets, scenarios }, settings);
    expect(report.total).toBe(100);
    expect(report.rows).toHaveLength(1);
    expect(report.rows[0]).toMatchObject({
      count: 100,
      field: 'properties.receiveMaximum',
      baseline: '64',
      other: '20',
    });
    expect(report.rows[0]?.occurrences.length).toBeLessThan(100);
  });

  it('tells order from presence, and classes the failing step as one side fails', () => {
    const ordered = diffRun(
      {
        targets,
        scenarios: [
          result('A', [connack(), puback(0), publish()]),
          result('B', [connack(), publish(), puback(0)]),
        ],
      },
      settings,
    );
    expect(ordered.rows.map((row) => [row.aspect, row.baseline, row.other])).toEqual([
      ['order', 'PUBACK, PUBLISH', 'PUBLISH, PUBACK'],
    ]);
    const failing = result('B', [connack()], {
      verdict: 'failed',
      failure: { stepIndex: 1, stepKind: 'publish', message: 'no PUBACK within 5000 ms', received: [] },
    });
    const missing = diffRun({ targets, scenarios: [result('A', [connack(), puback(0)]), failing] }, settings);
    expect(missing.rows.map((row) => [row.class, row.aspect, row.summary])).toEqual([
      ['one side fails the scenario', 'packet', 'A: sends PUBACK; B: —'],
    ]);
  });

  it('counts timing only beyond the tolerance and the factor', () => {
    const fast = result('A', [connack(), puback(0, 1, 12)]);
    const slightly = result('B', [connack(), puback(0, 1, 400)]);
    expect(diffRun({ targets, scenarios: [fast, slightly] }, settings).rows).toEqual([]);
    const slow = result('B', [connack(), puback(0, 1, 2010)]);
    const report = diffRun({ targets, scenarios: [fast, slow] }, settings);
    expect(report.rows.map((row) => [row.class, row.packet, row.baseline, row.other])).toEqual([
      ['timing', 'PUBACK', '2 ms', '2000 ms'],
    ]);
  });

  it('does not compare an instance skipped on one target', () => {
    const skipped = result('B', [], { verdict: 'skipped', reason: 'lacks qos2' });
    delete skipped.transcript;
    const report = diffRun({ targets, scenarios: [result('A', [connack()]), skipped] }, settings);
    expect(report).toMatchObject({
      compared: 0,
      notCompared: [{ scenario: 's1', target: 'B', reason: 'skipped: lacks qos2' }],
    });
  });
});
