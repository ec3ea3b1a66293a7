// Steps several subcommands share: parse the command line or print --help, and load the config
// with the command's --config and scenario paths applied.
import { loadConfig, type ResolvedConfig } from '../config/index.js';
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
