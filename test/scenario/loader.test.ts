// The scenario loader: every problem with file:line:column and field path, unknown keys rejected,
// statement ids checked per version, `repeat` unrolled, resolved scenarios frozen.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScenarioValidationError, formatIssue } from '../../harness/errors.js';
import { loadScenarios, parseScenario } from '../../harness/scenario/index.js';

function problems(text: string): string[] {
  return parseScenario(text, 's.yaml').issues.map(formatIssue);
}

describe('scenario validation errors', () => {
  const table: { name: string; yaml: string; expected: string[] }[] = [
    {
      name: 'bad YAML',
      yaml: 'name: x\nsteps:\n  - connect: { client: a\n',
      expected: [
        's.yaml:4:1: YAML: Flow map in block collection must be sufficiently indented and end with a }',
      ],
    },
    {
      name: 'duplicate YAML key',
      yaml: 'name: x\nname: y\nsteps: [{ wait: 1 }]\n',
      expected: ['s.yaml:2:1: YAML: Map keys must be unique'],
    },
    {
      name: 'unknown top-level key',
      yaml: 'name: x\nstep: []\nsteps: [{ wait: 1 }]\n',
      expected: [
        "s.yaml:2:1: step: unknown key 'step' (allowed: name, description, mqtt, statements, level, tags, requires, settings, timeout, profile, clients, steps, load)",
      ],
    },
    {
      name: 'an ACL or an authentication method without users',
      yaml: 'name: x\nsettings:\n  acl: [{ topic: a/#, access: read }]\n  authenticationMethods: [SCRAM-SHA-256]\nsteps: [{ wait: 1 }]\n',
      expected: [
        "s.yaml:3:8: settings.acl: needs 'settings.users' beside it (without users every client is anonymous)",
        "s.yaml:4:26: settings.authenticationMethods: needs 'settings.users' beside it (without users every client is anonymous)",
      ],
    },
    {
      name: 'unknown key in a step',
      yaml: 'name: x\nsteps:\n  - connect:\n      keepalive: 10\n',
      expected: [
        "s.yaml:4:7: steps[0].connect.keepalive: unknown key 'keepalive' (allowed: client, clientId, cleanStart, keepAlive, protocolName, protocolLevel, will, username, password, properties, encoding, expect, timeout)",
      ],
    },
    {
      name: 'wrong type',
      yaml: 'name: x\nsteps:\n  - connect: { keepAlive: soon }\n',
      expected: ['s.yaml:3:27: steps[0].connect.keepAlive: must be integer'],
    },
    {
      name: 'number out of range',
      yaml: 'name: x\nsteps:\n  - connect: { keepAlive: 70000 }\n',
      expected: ['s.yaml:3:27: steps[0].connect.keepAlive: must be <= 65535'],
    },
    {
      name: 'unknown statement id',
      yaml: 'name: x\nstatements: [MQTT-3.1.0-1, MQTT-9.9.9-9]\nsteps: [{ wait: 1 }]\n',
      expected: ["s.yaml:2:28: statements[1]: unknown statement id 'MQTT-9.9.9-9' for MQTT 3.1.1 / 5.0"],
    },
    {
      name: 'statement id of the other version',
      yaml: "name: x\nmqtt: '3.1.1'\nstatements: [MQTT-3.1.3-7]\nsteps: [{ wait: 1 }]\n".replace(
        'MQTT-3.1.3-7',
        'MQTT-3.1.2-30',
      ),
      expected: ["s.yaml:3:14: statements[0]: unknown statement id 'MQTT-3.1.2-30' for MQTT 3.1.1"],
    },
    {
      name: 'malformed statement id',
      yaml: 'name: x\nstatements: [3.1.0-1]\nsteps: [{ wait: 1 }]\n',
      expected: ['s.yaml:2:14: statements[0]: must be a statement id like MQTT-3.1.2-24'],
    },
    {
      name: 'name not kebab-case',
      yaml: 'name: My Scenario\nsteps: [{ wait: 1 }]\n',
      expected: ['s.yaml:1:7: name: must be kebab-case (lowercase letters, digits and single dashes)'],
    },
    {
      name: 'bad enum value',
      yaml: 'name: x\nlevel: must-not\nsteps: [{ wait: 1 }]\n',
      expected: ['s.yaml:2:8: level: must be one of "must", "should", "may"'],
    },
    {
      name: 'two keys in one step',
      yaml: 'name: x\nsteps:\n  - wait: 1\n    drop: {}\n',
      expected: [
        's.yaml:3:5: steps[0]: a step has exactly one key, one of: connect, reconnect, send, raw, expect, expectAll, expectNothing, expectCount, expectClosed, wait, disconnect, drop, subscribe, unsubscribe, publish, ping, auth, websocket, parallel, repeat, when',
      ],
    },
    {
      name: 'unknown packet type',
      yaml: 'name: x\nsteps:\n  - send: { packet: { type: publsh, topic: t } }\n',
      expected: [
        's.yaml:3:29: steps[0].send.packet.type: packet type must be one of connect, connack, publish, puback, pubrec, pubrel, pubcomp, subscribe, suback, unsubscribe, unsuback, pingreq, pingresp, disconnect, auth',
      ],
    },
    {
      name: 'unknown field of a packet',
      yaml: 'name: x\nsteps:\n  - expect: { packet: { type: puback, packetid: 1 } }\n',
      expected: [
        "s.yaml:3:39: steps[0].expect.packet.packetid: unknown key 'packetid' (allowed: type, packetId, reasonCode, properties)",
      ],
    },
    {
      name: 'bad matcher',
      yaml: 'name: x\nsteps:\n  - expect: { packet: { type: connack, reasonCode: { anyOf: [1, x] } } }\n',
      expected: ['s.yaml:3:65: steps[0].expect.packet.reasonCode.anyOf[1]: must be integer'],
    },
    {
      name: 'expect with two outcomes',
      yaml: 'name: x\nsteps:\n  - expect: { closed: true, packet: { type: pingresp } }\n',
      expected: ['s.yaml:3:13: steps[0].expect: expect needs exactly one of packet, closed, oneOf'],
    },
    {
      name: 'unknown variable',
      yaml: "name: x\nsteps:\n  - wait: 1\n  - publish: { topic: '${prefx}t' }\n",
      expected: ['s.yaml:4:5: steps[1]: unknown variable ${prefx}'],
    },
    {
      name: 'captured variable used before its capture',
      yaml: "name: x\nsteps:\n  - send: { packet: { type: puback, packetId: '${pid}' } }\n  - expect: { packet: { type: publish }, capture: { packetId: pid } }\n",
      expected: ['s.yaml:3:5: steps[0]: ${pid} is used before the step that captures it'],
    },
    {
      name: 'packet id that is neither a number nor a variable',
      yaml: "name: x\nsteps:\n  - send: { packet: { type: puback, packetId: 'one' } }\n",
      expected: [
        "s.yaml:3:47: steps[0].send.packet.packetId: must be integer, or a variable such as '${pid}'",
      ],
    },
    {
      name: 'empty noneOf on a packet id (the outer pattern union is explained, not the inner one)',
      yaml: 'name: x\nsteps:\n  - expect: { packet: { type: publish, packetId: { noneOf: [] } } }\n',
      expected: ['s.yaml:3:60: steps[0].expect.packet.packetId.noneOf: must NOT have fewer than 1 items'],
    },
    {
      name: 'noneOf with a word instead of a packet id',
      yaml: "name: x\nsteps:\n  - expect: { packet: { type: publish, packetId: { noneOf: ['${a}', one] } } }\n",
      expected: [
        "s.yaml:3:69: steps[0].expect.packet.packetId.noneOf[1]: must be integer, or a variable such as '${pid}'",
      ],
    },
    {
      name: 'capture into a name that is not a variable name',
      yaml: 'name: x\nsteps:\n  - expect: { packet: { type: publish }, capture: { packetId: 1pid } }\n',
      expected: [
        's.yaml:3:63: steps[0].expect.capture.packetId: must be a variable name (a letter, then letters, digits, _)',
      ],
    },
    {
      name: 'neither steps nor load',
      yaml: 'name: x\n',
      expected: ["s.yaml:1:1: a scenario needs 'steps' or 'load'"],
    },
    {
      name: 'empty file',
      yaml: '# nothing\n',
      expected: ['s.yaml:1:1: empty file: a scenario is a YAML map'],
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      expect(problems(row.yaml)).toEqual(row.expected);
    });
  }

  it('reports a bad variable inside repeat once, at the step', () => {
    const text =
      "name: x\nsteps:\n  - repeat:\n      count: 3\n      steps:\n        - connect: { client: 's${i}', clientId: '${clientId.zz}${j}' }\n";
    expect(problems(text)).toEqual([
      's.yaml:6:11: steps[0].repeat.steps[0]: ${clientId.zz} names no client of this scenario',
      's.yaml:6:11: steps[0].repeat.steps[0]: unknown variable ${j}',
    ]);
  });

  it('reports every problem of a file at once', () => {
    const text = 'name: x\nsteps:\n  - connect: { keepAlive: a, foo: 1 }\n  - wait: -1\nlevel: never\n';
    expect(problems(text)).toHaveLength(4);
  });
});

describe('resolved scenarios', () => {
  const text = [
    'name: fan',
    "mqtt: '5.0'",
    'statements: [MQTT-3.1.3-7]',
    'steps:',
    '  - repeat:',
    '      count: 3',
    '      steps:',
    "        - connect: { client: 's${i}' }",
    "        - subscribe: { client: 's${i}', filter: '${prefix}t/${i}' }",
    "  - publish: { topic: '${prefix}t', payload: x }",
    '  - expect: { client: s2, closed: true }',
  ].join('\n');

  it('unrolls repeat, fills defaults, records locations, and freezes', () => {
    const { scenario, issues } = parseScenario(text, 'dir/fan.yaml');
    expect(issues).toEqual([]);
    expect(scenario).toBeDefined();
    const s = scenario!;
    expect(s.versions).toEqual(['5.0']);
    expect(s.statements).toEqual({ '3.1.1': [], '5.0': ['MQTT-3.1.3-7'] });
    expect(s.level).toBe('must');
    expect(
      s.steps.map((step) => `${step.index}:${step.kind}:${'client' in step ? step.client : ''}`),
    ).toEqual([
      '0:connect:s0',
      '1:subscribe:s0',
      '2:connect:s1',
      '3:subscribe:s1',
      '4:connect:s2',
      '5:subscribe:s2',
      '6:publish:a',
      '7:expect:s2',
    ]);
    const sub = s.steps[5]!;
    expect(sub.location).toBe('dir/fan.yaml:9');
    expect(sub.kind === 'subscribe' && sub.subscriptions).toEqual([{ topicFilter: '${prefix}t/2', qos: 0 }]);
    const connect = s.steps[0]!;
    expect(connect.kind === 'connect' && connect.expect).toEqual([
      { packet: { type: 'connack', reasonCode: 0 } },
    ]);
    expect(Object.keys(s.clients).sort()).toEqual(['a', 's0', 's1', 's2']);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.steps[1])).toBe(true);
    expect(() => {
      (s as { name: string }).name = 'other';
    }).toThrow(TypeError);
  });

  it('accepts hex numbers and keeps statement ids per version', () => {
    const { scenario, issues } = parseScenario(
      "name: h\nstatements: { '3.1.1': [MQTT-3.1.2-3], '5.0': [MQTT-3.1.2-12] }\nsteps:\n  - expectClosed: { disconnectReasonCodes: [0x81, 0x82] }\n",
      'h.yaml',
    );
    expect(issues).toEqual([]);
    const step = scenario!.steps[0]!;
    expect(step.kind === 'expectClosed' && step.disconnectReasonCodes).toEqual([0x81, 0x82]);
    expect(scenario!.statements).toEqual({ '3.1.1': ['MQTT-3.1.2-3'], '5.0': ['MQTT-3.1.2-12'] });
  });
});

describe('loadScenarios', () => {
  it('collects the problems of every file and rejects duplicate names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'scenario-load-'));
    await writeFile(join(dir, 'a.yaml'), 'name: same\nsteps: [{ wait: 1 }]\n');
    await writeFile(join(dir, 'b.yaml'), 'name: same\nsteps: [{ wait: 1 }]\n');
    await writeFile(join(dir, 'c.yml'), 'name: c\nsteps: [{ wiat: 1 }]\n');
    await writeFile(join(dir, 'notes.txt'), 'not a scenario');
    const error = await loadScenarios([dir], { cwd: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioValidationError);
    const issues = (error as ScenarioValidationError).issues.map(formatIssue);
    expect((error as ScenarioValidationError).code).toBe('HARNESS_SCENARIO_INVALID');
    expect(issues).toEqual([
      "b.yaml:1:1: name: duplicate scenario name 'same' (also in a.yaml:1)",
      expect.stringMatching(/^c\.yml:2:11: steps\[0\]\.wiat: unknown key 'wiat'/),
    ]);
  });

  it('loads the shipped basic scenarios', async () => {
    const scenarios = await loadScenarios(['scenarios/basic']);
    expect(scenarios.length).toBeGreaterThanOrEqual(15);
    for (const s of scenarios) {
      expect(s.statements['3.1.1'].length + s.statements['5.0'].length).toBeGreaterThan(0);
    }
  });

  it('fails with HARNESS_SCENARIO_NOT_FOUND for a missing path', async () => {
    await expect(loadScenarios(['/nonexistent/scenarios'])).rejects.toMatchObject({
      code: 'HARNESS_SCENARIO_NOT_FOUND',
    });
  });
});
