// `harness proxy --profile NAME --listen PORT --upstream HOST:PORT`: runs a network profile in the
// foreground until Ctrl-C, then prints what it measured.
import { parseArgs } from 'node:util';
import { startProxy, NetworkError } from '../../network/index.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';

const HELP = `Usage: harness proxy --profile NAME|FILE --upstream HOST:PORT [--listen PORT]

Forwards TCP connections from 127.0.0.1:PORT to HOST:PORT through a network profile
(built-in name, a YAML file, or scenarios/profiles/NAME.yaml). Stops on Ctrl-C.

Options:
  -p, --profile NAME  network profile (lan, wifi, 4g, 3g, 2g-edge, satellite, lossy-1, lossy-5,
                      flapping, bufferbloat, or a file)
  --upstream H:P      where to forward to (the broker)
  --listen PORT       port on 127.0.0.1 to listen on (default: a free port)
  --json              print the measured effect as JSON when stopping
`;

export const command: CommandModule = {
  summary: 'run a network profile (latency, bandwidth, loss, ...) as a TCP proxy in front of a broker',
  async run(argv: string[], io: CliIO): Promise<number> {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          profile: { type: 'string', short: 'p' },
          upstream: { type: 'string' },
          listen: { type: 'string' },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
        strict: true,
      }));
    } catch (error) {
      io.stderr.write(`harness proxy: ${(error as Error).message}\n\n${HELP}`);
      return EXIT.usage;
    }
    if (values.help) {
      io.stdout.write(HELP);
      return EXIT.ok;
    }
    const upstream = /^(.+):(\d+)$/.exec(values.upstream ?? '');
    const listen = Number(values.listen ?? 0);
    if (!values.profile || !upstream || !Number.isInteger(listen) || listen < 0 || listen > 65535) {
      io.stderr.write(`harness proxy: --profile and --upstream HOST:PORT are required\n\n${HELP}`);
      return EXIT.usage;
    }
    let applied;
    try {
      applied = await startProxy({
        profile: values.profile,
        listenPort: listen,
        upstream: { host: upstream[1]!.replace(/^\[|\]$/g, ''), port: Number(upstream[2]) },
        cwd: io.cwd,
        signal: io.signal,
      });
    } catch (error) {
      if (error instanceof NetworkError) {
        io.stderr.write(`harness proxy: ${error.code}: ${error.message}\n`);
        return error.reason === 'PROFILE_INVALID' || error.reason === 'PROFILE_NOT_FOUND'
          ? EXIT.usage
          : EXIT.failed;
      }
      throw error;
    }
    const { endpoint, profile } = applied;
    io.stdout.write(
      `proxy: 127.0.0.1:${endpoint.port} -> ${values.upstream} (profile ${profile.name}${profile.description ? `: ${profile.description}` : ''})\n`,
    );
    for (const note of applied.info().notes ?? []) io.stdout.write(`  ${note}\n`);
    await new Promise<void>((resolve) => {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await applied.close();
    const info = applied.info();
    if (values.json) io.stdout.write(`${JSON.stringify(info)}\n`);
    else {
      const m = info.measured ?? {};
      const rtt = m.rttMs
        ? `RTT p50 ${m.rttMs.p50} ms, p99 ${m.rttMs.p99} ms (${m.rttSamples} samples)`
        : 'no RTT samples';
      const tput = m.throughputBytesPerSec !== undefined ? `, ${m.throughputBytesPerSec} B/s` : '';
      io.stdout.write(`proxy stopped: ${rtt}${tput}\n`);
    }
    return EXIT.ok;
  },
};
