// The Debian-packaged brokers the harness starts itself (rabbitmq, activemq, ejabberd): each starts in
// a temp dir of its own, answers MQTT, reports its version and start-up time, and stop() leaves no
// process (VM, epmd, helpers) and no directory behind. Real brokers from the Debian packages that
// .ci/run installs; start-up of a JVM or an Erlang node on a busy machine is slow, hence the long
// test timeouts (no time is asserted).
import { access } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTarget, type StartedTarget } from '../../harness/targets/index.js';
import { commandOf, envOf, processesWithEnv, zombie } from './leftovers.js';
import { connectOnce, pidExists } from './probe.js';

const START_MS = 240_000;
const started: StartedTarget[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((target) => target.stop()));
});

async function start(spec: Parameters<typeof startTarget>[0]): Promise<StartedTarget> {
  const target = await startTarget(spec, { cwd: process.cwd() });
  started.push(target);
  return target;
}

/** The temp dir a broker runs in (its HOME) and every live process that inherited it. */
async function footprint(target: StartedTarget): Promise<{ dir: string; pids: number[] }> {
  const dir = await envOf(target.pid!, 'HOME');
  expect(dir).toMatch(new RegExp(`/harness-${target.kind}-`));
  return { dir: dir!, pids: await processesWithEnv('HOME', dir!) };
}

async function expectNothingLeft(footprintBefore: { dir: string; pids: number[] }): Promise<void> {
  const left = await processesWithEnv('HOME', footprintBefore.dir);
  expect(await Promise.all(left.map(commandOf))).toEqual([]);
  // Each process seen while it ran is gone (a zombie waiting for its reaper holds nothing any more).
  for (const pid of footprintBefore.pids) expect(!pidExists(pid) || (await zombie(pid))).toBe(true);
  await expect(access(footprintBefore.dir)).rejects.toThrow();
}

describe('rabbitmq target', () => {
  it(
    'starts a node of its own with a private epmd, answers a 3.1.1 CONNECT, and stop() ends both',
    async () => {
      const target = await start('rabbitmq');
      expect(target).toMatchObject({ kind: 'rabbitmq', endpoint: { transport: 'tcp', host: '127.0.0.1' } });
      expect(target.version).toMatch(/^3\.\d+\.\d+$/);
      expect(target.startupMs).toBeGreaterThan(0);
      expect(target.capabilities.has('mqtt-5.0')).toBe(false);
      expect(target.capabilities.has('qos2')).toBe(false);
      expect(target.missingCapabilityReasons?.qos2).toMatch(/QoS 1/);
      expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
      expect(target.output?.()).toMatch(/Starting RabbitMQ/);

      const before = await footprint(target);
      const commands = await Promise.all(before.pids.map(commandOf));
      expect(commands).toContain('epmd');
      expect(commands).toContain('beam.smp');
      expect(await envOf(target.pid!, 'RABBITMQ_NODENAME')).toMatch(/^harness-[0-9a-f]{8}@localhost$/);

      await target.stop();
      expect(target.isAlive()).toBe(false);
      await expectNothingLeft(before);
    },
    START_MS,
  );

  it(
    'two nodes run side by side, and stopping one leaves the other (and its epmd) serving',
    async () => {
      const [a, b] = await Promise.all([start('rabbitmq'), start('rabbitmq')]);
      expect(a.endpoint.port).not.toBe(b.endpoint.port);
      expect(await envOf(a.pid!, 'ERL_EPMD_PORT')).not.toBe(await envOf(b.pid!, 'ERL_EPMD_PORT'));
      await a.stop();
      expect(await connectOnce(b.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
    },
    START_MS,
  );

  it('a missing install is binary-missing with the apt-get line', async () => {
    const start = startTarget(
      { kind: 'rabbitmq', options: { home: '/nonexistent' } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'binary-missing' });
    await expect(start).rejects.toThrow(/apt-get install -y rabbitmq-server/);
  });
});

describe('activemq target', () => {
  it(
    'starts a JVM of its own with an MQTT connector, answers a 3.1.1 CONNECT, and stop() ends it',
    async () => {
      const target = await start('activemq');
      expect(target).toMatchObject({ kind: 'activemq', endpoint: { transport: 'tcp', host: '127.0.0.1' } });
      expect(target.version).toMatch(/^5\.\d+\.\d+$/);
      expect(target.startupMs).toBeGreaterThan(0);
      expect(target.capabilities.has('mqtt-5.0')).toBe(false);
      expect(target.capabilities.has('qos2')).toBe(true);
      expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
      expect(target.output?.()).toMatch(/Apache ActiveMQ .* started/);

      const before = await footprint(target);
      expect(await Promise.all(before.pids.map(commandOf))).toContain('java');
      await target.stop();
      await expectNothingLeft(before);
    },
    START_MS,
  );

  it('a missing MQTT codec is binary-missing naming libmqtt-client-java', async () => {
    const start = startTarget(
      { kind: 'activemq', options: { classpath: ['/nonexistent/mqtt-client.jar'] } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'binary-missing' });
    await expect(start).rejects.toThrow(/apt-get install -y activemq libmqtt-client-java/);
  });
});

describe('ejabberd target', () => {
  it(
    'starts a node of its own without epmd, answers 3.1.1 and 5.0 CONNECTs with its credentials, and stop() ends it',
    async () => {
      const target = await start('ejabberd');
      expect(target).toMatchObject({
        kind: 'ejabberd',
        endpoint: { transport: 'tcp', host: '127.0.0.1', username: 'harness', password: 'harness' },
      });
      expect(target.version).toMatch(/^\d+\.\d+/);
      expect(target.capabilities.has('mqtt-5.0')).toBe(true);
      expect(target.capabilities.has('shared-subscriptions')).toBe(false);
      expect(await connectOnce(target.endpoint, 4)).toMatchObject({ type: 'connack', reasonCode: 0 });
      expect(await connectOnce(target.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
      // Without the credentials mod_mqtt refuses the client: the reason the target carries them.
      const { username: _user, password: _password, ...anonymous } = target.endpoint;
      expect(await connectOnce(anonymous, 4)).toMatchObject({ reasonCode: 5 });

      const before = await footprint(target);
      expect(await Promise.all(before.pids.map(commandOf))).not.toContain('epmd');
      await target.stop();
      await expectNothingLeft(before);
    },
    START_MS,
  );

  it(
    'two ejabberd nodes run side by side',
    async () => {
      const [a, b] = await Promise.all([start('ejabberd'), start('ejabberd')]);
      expect(a.endpoint.port).not.toBe(b.endpoint.port);
      expect(await connectOnce(a.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
      expect(await connectOnce(b.endpoint, 5)).toMatchObject({ type: 'connack', reasonCode: 0 });
    },
    START_MS,
  );

  it('a missing erl is binary-missing with the apt-get line', async () => {
    const start = startTarget(
      { kind: 'ejabberd', options: { erl: '/nonexistent/erl' } },
      { cwd: process.cwd() },
    );
    await expect(start).rejects.toMatchObject({ reason: 'binary-missing' });
    await expect(start).rejects.toThrow(/apt-get install -y ejabberd/);
  });
});
