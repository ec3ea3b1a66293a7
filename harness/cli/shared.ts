// Steps several subcommands share: parse the command line or print --help, and load the config
// with the command's --config and scenario paths applied.
import { relative } from 'node:path';
import { loadConfig, type ResolvedConfig } from '../config/index.js';
import type { ReporterOutput } from '../orchestrator/index.js';
import { getFlag, getString, parseCommandLine, type OptionTable, type ParsedCommandLine } from './args.js';
import type { CliIO } from './io.js';

/** The parsed command line, or undefined when --help was given (the help is then written to stdout). */
export function parseOrHelp(
  command: string,
  argv: string[],
  table: OptionTable,
  help: string,
  io: Pick<CliIO, 'stdout'>,
): ParsedCommandLine | undefined {
  const parsed = parseCommandLine(command, argv, table);
  if (getFlag(parsed.values, 'help')) {
    io.stdout.write(help);
    return undefined;
  }
  return parsed;
}

/** The config file (--config, else harness.config.*), with the positional paths replacing its scenario paths. */
export function loadCommandConfig(
  { values, positionals }: ParsedCommandLine,
  io: Pick<CliIO, 'cwd' | 'isTTY' | 'env'>,
): Promise<ResolvedConfig> {
  const configFile = getString(values, 'config');
  return loadConfig(
    {
      ...(configFile === undefined ? {} : { configFile }),
      ...(positionals.length > 0 ? { paths: positionals } : {}),
    },
    { cwd: io.cwd, isTTY: io.isTTY, env: io.env },
  );
}

/** The streams reporters write to, noting every report file written so the command can name them. */
export class WrittenFiles {
  private readonly files: string[] = [];

  constructor(private readonly io: Pick<CliIO, 'stdout' | 'stderr' | 'isTTY' | 'env' | 'cwd'>) {}

  output(): ReporterOutput {
    const { stdout, stderr, isTTY, env } = this.io;
    return { stdout, stderr, isTTY, env, onWrite: (file) => this.add(file) };
  }

  add(file: string): void {
    if (!this.files.includes(file)) this.files.push(file);
  }

  /** "Reports: reports/results.json, reports/report.html" on stdout, after the reporters' own output. */
  print(): void {
    if (this.files.length === 0) return;
    const shown = this.files.map((file) => {
      const path = relative(this.io.cwd, file);
      return path.startsWith('..') ? file : path;
    });
    this.io.stdout.write(`Reports: ${shown.join(', ')}\n`);
  }
}
