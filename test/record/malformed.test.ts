// A recording with a malformed packet: a client sends a SUBSCRIBE with wrong reserved flags. The
// scenario sends those bytes raw; replayed through a second recording proxy, the broker receives
// exactly the recorded bytes, and the replay passes on the reference broker and on Mosquitto.
import { connect as tcpConnect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode } from '../../wire/index.js';
import { recordingToYaml, startRecorder, type Recording } from '../../harness/record/index.js';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { replay, verdicts, WAIT_MS } from './session.js';

const MALFORMED = encode(
  { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'x', qos: 0 }] },
  5,
  {
    flags: 0x00, // [MQTT-3.8.1-1] must be 0010
  },
);

let reference: StartedTarget;
beforeAll(async () => {
  reference = await startTarget('reference', { cwd: process.cwd() });
});
afterAll(async () => reference?.stop());

/** Connects to the recorder, sends CONNECT, waits for CONNACK, sends the malformed packet, waits for the close. */
async function malformedSession(port: number): Promise<void> {
  const socket: Socket = tcpConnect({ host: '127.0.0.1', port });
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => undefined);
  const timer = setTimeout(() => socket.destroy(), WAIT_MS);
  try {
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const connack = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write(
      encode(
        {
          type: 'connect',
          protocolName: 'MQTT',
          protocolLevel: 5,
          cleanStart: true,
          keepAlive: 30,
          clientId: 'raw',
        },
        5,
      ),
    );
    await connack;
    socket.write(MALFORMED);
    await closed;
  } finally {
    clearTimeout(timer);
  }
}

function clientMalformed(recording: Recording): Buffer[] {
  return recording.events.flatMap((e) => (e.kind === 'malformed' && e.from === 'client' ? [e.raw] : []));
}

describe('harness record: malformed packets', () => {
  it('replays the malformed bytes exactly as recorded', async () => {
    const upstream = `${reference.endpoint.host}:${reference.endpoint.port}`;
    const recorder = await startRecorder({ upstream });
    await malformedSession(recorder.port);
    const recording = await recorder.stop();
    expect(clientMalformed(recording)).toEqual([MALFORMED]);
    const yaml = recordingToYaml(recording, { name: 'recorded-malformed' });
    expect(yaml).toContain(
      `raw: { client: raw, hex: ${MALFORMED.toString('hex').replace(/(..)(?!$)/g, '$1 ')} }`,
    );
    expect(yaml).toMatch(/expectClosed: \{ client: raw, disconnectReasonCodes: \[ 129 \] \}/);

    const second = await startRecorder({ upstream });
    let replayed: Recording;
    try {
      const result = await replay(yaml, [`mqtt://127.0.0.1:${second.port}`, 'mosquitto']);
      expect(verdicts(result)).toEqual([`mqtt://127.0.0.1:${second.port}: passed`, 'mosquitto: passed']);
    } finally {
      replayed = await second.stop();
    }
    expect(clientMalformed(replayed)).toEqual([MALFORMED]);
  });
});
