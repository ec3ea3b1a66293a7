// Recording over WebSocket: MQTT.js (MQTT 3.1.1) talks to the reference broker's WebSocket listener
// through `harness record`; the scenario replays over plain TCP on the reference broker and Mosquitto.
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../broker/index.js';
import { recordingToYaml, startRecorder } from '../../harness/record/index.js';
import { replay, verdicts, WAIT_MS } from './session.js';

describe('harness record over WebSocket', () => {
  it('records an MQTT.js session over ws and the recording replays over TCP', async () => {
    const broker = await startBroker({ listeners: [{ type: 'ws', path: '/mqtt' }] });
    let yaml: string;
    try {
      const url = broker.addresses[0]?.url ?? '';
      expect(url).toMatch(/^ws:\/\//);
      const recorder = await startRecorder({ upstream: url });
      expect(recorder.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mqtt$/);
      try {
        const client = await mqtt.connectAsync(recorder.url, {
          protocolVersion: 4,
          clientId: 'ws-client',
          reconnectPeriod: 0,
          connectTimeout: WAIT_MS,
        });
        const received = new Promise<string>((resolve) =>
          client.on('message', (_t, payload) => resolve(payload.toString())),
        );
        await client.subscribeAsync('ws/t', { qos: 2 });
        await client.publishAsync('ws/t', 'over websocket', { qos: 2 });
        expect(await received).toBe('over websocket');
        await client.endAsync();
      } finally {
        const recording = await recorder.stop();
        expect(recording.connections.map((c) => c.transport)).toEqual(['ws']);
        yaml = recordingToYaml(recording, { name: 'recorded-websocket' });
      }
    } finally {
      await broker.close();
    }
    expect(yaml).toContain('payload: over websocket, qos: 2');
    const result = await replay(yaml, ['reference', 'mosquitto']);
    expect(verdicts(result)).toEqual(['reference: passed', 'mosquitto: passed']);
  });
});
