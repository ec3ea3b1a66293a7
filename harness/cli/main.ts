// The `harness` command: a thin dispatcher. Each subcommand lives in commands/<name>.ts and calls the
// programmatic API; this file only picks the command and wires process signals to an AbortSignal.
import { EXIT, type CliIO, type CommandModule } from './io.js';

const commands: Record<string, () => Promise<{ command: CommandModule }>> = {
  run: () => import('./commands/run.js'),
  validate: () => import('./commands/validate.js'),
  list: () => import('./commands/list.js'),
  broker: () => import('./commands/broker.js'),
  coverage: () => import('./commands/coverage.js'),
  bench: () => import('./commands/bench.js'),
  merge: () => import('./commands/merge.js'),
  report: () => import('./commands/report.js'),
  compare: () => import('./commands/compare.js'),
  proxy: () => import('./commands/proxy.js'),
  diff: () => import('./commands/diff.js'),
  record: () => import('./commands/record.js'),
  fuzz: () => import('./commands/fuzz.js'),
  explore: () => import('./commands/explore.js'),
};

export async function main(argv: string[], partialIO: Partial<CliIO> = {}): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => {
    if (controller.signal.aborted) process.exit(130); // second Ctrl-C: leave at once
    controller.abort(new Error('interrupted'));
  };
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY) && !process.env['CI'],
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
    ...partialIO,
  };
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(await usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { toolVersion } = await import('../version.js');
    io.stdout.write(`${toolVersion()}\n`);
    return EXIT.ok;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`harness: unknown command '${name}'\n\n${await usage()}`);
    return EXIT.usage;
  }
  const listenSignals = partialIO.signal === undefined;
  if (listenSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    const { command } = await load();
    return await command.run(rest, io);
  } finally {
    if (listenSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

async function usage(): Promise<string> {
  const lines = ['Usage: harness <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(commands)) {
    const { command } = await load();
    lines.push(`  ${name.padEnd(10)} ${command.summary}`);
  }
  lines.push('', "Run 'harness <command> --help' for the options of a command.", '');
  return lines.join('\n');
}
