// A proxied connection: the client socket, the upstream socket and the two pipes between them, plus
// the connection-level toxics (timeout close, reset_peer after a time).
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { resetOrDestroy } from './reset.js';
import { nextActivation } from './schedule.js';
import type { ResolvedToxic } from './schema.js';
import { Pipe, type PipeAction, type PipeContext } from './pipe.js';
import type { ProxyStats } from './stats.js';
import type { Random } from './distribution.js';

export interface ConnectionOptions {
  client: Socket;
  upstream: Socket;
  toxics: readonly ResolvedToxic[];
  startedAt: number;
  random: Random;
  stats: ProxyStats;
  scanMqtt: boolean;
  onClosed(): void;
}

export class ProxiedConnection {
  private readonly pipes: Pipe[];
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = 0;
  private done = false;

  constructor(private readonly options: ConnectionOptions) {
    const { client, upstream, startedAt, random, stats } = options;
    // Toxicity is decided once per connection and per toxic, as Toxiproxy does.
    const toxics = options.toxics.filter((t) => t.toxicity >= 1 || random() < t.toxicity);
    const ctx: PipeContext = {
      startedAt,
      random,
      stats,
      pending: [],
      onAction: (action) => this.act(action),
    };
    const forStream = (stream: 'upstream' | 'downstream') => toxics.filter((t) => t.stream === stream);
    this.pipes = [
      new Pipe('upstream', client, upstream, forStream('upstream'), ctx, options.scanMqtt),
      new Pipe('downstream', upstream, client, forStream('downstream'), ctx, options.scanMqtt),
    ];
    const now = performance.now() - startedAt;
    for (const toxic of toxics) {
      const after =
        toxic.type === 'timeout' && Number(toxic.attributes['timeout']) > 0
          ? Number(toxic.attributes['timeout'])
          : toxic.type === 'reset_peer' &&
              toxic.attributes['timeout'] !== undefined &&
              toxic.attributes['bytes'] === undefined
            ? Number(toxic.attributes['timeout'])
            : undefined;
      if (after === undefined) continue;
      const activation = nextActivation(toxic.schedule, now);
      if (activation === undefined) continue;
      const action: PipeAction = toxic.type === 'reset_peer' ? 'reset' : 'close';
      this.timers.push(setTimeout(() => this.act(action), activation - now + after));
    }
    for (const socket of [client, upstream]) {
      const other = socket === client ? upstream : client;
      let failed = false;
      socket.on('error', () => {
        failed = true;
      });
      socket.on('close', () => {
        // A reset on one side is passed on as a reset; an orderly close was already passed on by the pipes.
        if (failed) resetOrDestroy(other);
        if (++this.closed === 2 || failed) this.finish();
      });
    }
  }

  /** Tears the connection down (proxy shutdown). */
  destroy(): void {
    this.options.client.destroy();
    this.options.upstream.destroy();
    this.finish();
  }

  private act(action: PipeAction): void {
    const { client, upstream } = this.options;
    for (const pipe of this.pipes) pipe.stop();
    if (action === 'reset') {
      resetOrDestroy(client);
      resetOrDestroy(upstream);
    } else {
      client.end();
      upstream.end();
      client.destroySoon();
      upstream.destroySoon();
    }
    this.finish();
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const timer of this.timers) clearTimeout(timer);
    for (const pipe of this.pipes) pipe.stop();
    this.options.onClosed();
  }
}
