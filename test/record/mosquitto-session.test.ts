// Records a real session against a real Mosquitto: mosquitto_pub / mosquitto_sub (QoS 1 and 2, a
// retained message, a will) and an MQTT.js client (MQTT 5, user properties, its own subscription),
// then replays the generated scenario against Mosquitto and the reference broker: both pass.
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordingToYaml, startRecorder } from '../../harness/record/index.js';
import { parseScenario } from '../../harness/scenario/index.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { Background, replay, run, verdicts, WAIT_MS } from './session.js';

let mosquitto: StartedTarget;
beforeAll(async () => {
  mosquitto = await startTarget('mosquitto', { cwd: process.cwd() });
});
afterAll(async () => mosquitto?.stop());

describe('harness record against Mosquitto', () => {
  it('records mosquitto_pub/sub and MQTT.js, and the recording replays on Mosquitto and the reference broker', async () => {
    const recorder = await startRecorder({
      upstream: `${mosquitto.endpoint.host}:${mosquitto.endpoint.port}`,
    });
    const base = ['-h', recorder.host, '-p', String(recorder.port)];
    const background: Background[] = [];
    let yaml: string;
    try {
      await run('mosquitto_pub', [
        ...base,
        '-i',
        'rec-config',
        '-t',
        'rec/config',
        '-m',
        'v1',
        '-q',
        '1',
        '-r',
      ]);
      await run('mosquitto_pub', [...base, '-i', 'rec-cmd', '-t', 'rec-dev/cmd', '-m', 'hello dev', '-r']);
      const sub = new Background('mosquitto_sub', [
        ...base,
        '-i',
        'rec-sub',
        '-t',
        'rec/#',
        '-q',
        '2',
        '-C',
        '4',
        '-v',
      ]);
      background.push(sub);
      await sub.waitFor('rec/config v1'); // subscribed: the retained message came
      const device = new Background('mosquitto_sub', [
        ...base,
        ...['-i', 'rec-dev', '-t', 'rec-dev/cmd', '-q', '1'],
        ...['--will-topic', 'rec/will', '--will-payload', 'gone', '--will-qos', '1'],
      ]);
      background.push(device);
      await device.waitFor('hello dev');
      await run('mosquitto_pub', [
        ...base,
        '-V',
        'mqttv5',
        '-i',
        'rec-q2',
        '-t',
        'rec/q2',
        '-m',
        'two',
        '-q',
        '2',
      ]);
      const js = await mqtt.connectAsync(recorder.url, {
        protocolVersion: 5,
        clientId: 'rec-js',
        reconnectPeriod: 0,
        connectTimeout: WAIT_MS,
      });
      const echoed = new Promise<string>((resolve) =>
        js.on('message', (_topic, payload) => resolve(payload.toString())),
      );
      await js.subscribeAsync('rec/js/#', { qos: 1 });
      await js.publishAsync('rec/js/x', 'from js', {
        qos: 1,
        properties: { userProperties: { app: 'test' } },
      });
      expect(await echoed).toBe('from js');
      await js.endAsync();
      await sub.waitFor('rec/js/x from js');
      device.kill('SIGKILL'); // gone without DISCONNECT: the broker publishes its will
      await sub.waitFor('rec/will gone');
      const code = await sub.exit();
      expect(code, sub.output).toBe(0);
    } finally {
      for (const process of background) process.kill();
      const recording = await recorder.stop();
      yaml = recordingToYaml(recording, { name: 'recorded-mosquitto-session' });
    }
    expect(parseScenario(yaml, 'recorded.yaml').issues).toEqual([]);
    expect(yaml).toMatch(/qos: 2/);
    expect(yaml).toMatch(/retain: true/);
    expect(yaml).toMatch(/will: \{ topic: "\$\{prefix\}rec\/will", payload: gone, qos: 1/);
    expect(yaml).toMatch(/drop: \{ client: rec-dev \}/);
    expect(yaml).toMatch(/userProperties: \[ \[ app, test \] \]/);
    const result = await replay(yaml, ['mosquitto', 'reference']);
    expect(verdicts(result)).toEqual(['mosquitto: passed', 'reference: passed']);
  });
});
