// Shared command-line parsing for the subcommands, on node:util parseArgs. Each command declares an
// option table; the same table produces the parser and the --help text. Bad input → UsageError (exit 2).
import { parseArgs } from 'node:util';
import { HarnessError } from '../errors.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Repeatable: the values arrive as a list. */
  multiple?: boolean;
  /** Placeholder for the value in --help, e.g. 'MS'. */
  value?: string;
  description: string;
}

export type OptionTable = Record<string, OptionSpec>;

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export class UsageError extends HarnessError {
  constructor(message: string) {
    super('HARNESS_USAGE', message);
    this.name = 'UsageError';
  }
}

/** Options every command takes. */
export const COMMON_OPTIONS: OptionTable = {
  config: {
    type: 'string',
    short: 'c',
    value: 'FILE',
    description: 'config file (default: harness.config.* in the working directory)',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

export interface ParsedCommandLine {
  values: OptionValues;
  positionals: string[];
}

export function parseCommandLine(
  command: string,
  argv: string[],
  table: OptionTable,
  allowPositionals = true,
): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(table)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw new UsageError(
      `harness ${command}: ${describeParseError(error)}\nRun 'harness ${command} --help' for its options.`,
    );
  }
}

function describeParseError(error: unknown): string {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message;
  const option = /'(-[^' ]*)'/.exec(message)?.[1];
  const longOption = /(--[\w-]+)/.exec(message)?.[1] ?? option ?? '';
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/argument missing/.test(message)) return `option '${longOption}' needs a value`;
      if (/ambiguous/.test(message))
        return `option '${longOption}' needs a value (write ${longOption}=-VALUE for a value starting with '-')`;
      if (/does not take an argument/.test(message)) return `option '${longOption}' takes no value`;
      return message;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${/'([^']*)'/.exec(message)?.[1] ?? message}'`;
    default:
      return message;
  }
}

export function getString(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function getList(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return typeof value === 'string' ? [value] : [];
}

export function getFlag(values: OptionValues, name: string): boolean | undefined {
  const value = values[name];
  return typeof value === 'boolean' ? value : undefined;
}

/** A positive integer option, or undefined when absent. */
export function getInteger(
  command: string,
  values: OptionValues,
  name: string,
  minimum = 1,
): number | undefined {
  const text = getString(values, name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < minimum || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`harness ${command}: --${name} needs an integer ≥ ${minimum}, got '${text}'`);
  }
  return Number(text);
}

export function checkChoices<T extends string>(
  command: string,
  name: string,
  given: string[],
  choices: readonly T[],
): T[] {
  for (const value of given) {
    if (!(choices as readonly string[]).includes(value)) {
      throw new UsageError(
        `harness ${command}: --${name} must be one of ${choices.join(', ')}, got '${value}'`,
      );
    }
  }
  return given as T[];
}

export function checkRegExp(command: string, name: string, source: string | undefined): string | undefined {
  if (source === undefined) return undefined;
  try {
    new RegExp(source);
  } catch (error) {
    throw new UsageError(
      `harness ${command}: --${name} is not a valid regular expression: ${(error as Error).message}`,
    );
  }
  return source;
}

/** "5%" → 0.05, "0.05" → 0.05; UsageError otherwise. */
export function parseThreshold(commandName: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!match)
    throw new UsageError(`harness ${commandName}: --threshold needs a percentage like 5%, got '${text}'`);
  const value = Number(match[1]);
  return match[2] === '%' ? value / 100 : value;
}

/** --help text from the option table. */
export function formatHelp(usage: string, summary: string, table: OptionTable, footer = ''): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    const repeat = spec.multiple ? ' (repeatable)' : '';
    return { left: `  ${short}--${name}${value}`, right: `${spec.description}${repeat}` };
  });
  const width = Math.max(...rows.map((row) => row.left.length)) + 2;
  const lines = [
    `Usage: ${usage}`,
    '',
    summary,
    '',
    'Options:',
    ...rows.map((row) => `${row.left.padEnd(width)}${row.right}`),
  ];
  if (footer) lines.push('', footer);
  return `${lines.join('\n')}\n`;
}

/** Exit code for an error a command caught: 2 for bad input of any kind, 1 for an interrupted run, 3 for a bug. */
export function exitCodeFor(error: unknown): 1 | 2 | 3 {
  if (error instanceof UsageError) return 2;
  const { code, reason, name } = (error ?? {}) as { code?: unknown; reason?: unknown; name?: unknown };
  if (reason === 'aborted' || name === 'AbortError') return 1; // Ctrl-C while starting: the run did not complete
  // Catalogue errors (harness/errors.ts: usage, invalid scenario, unknown target or profile, target
  // not startable, bad config, unknown reporter...) are all invalid input.
  if (typeof code === 'string' && code.startsWith('HARNESS_')) return 2;
  return 3;
}

/** Writes the error for the user (the stack only for internal errors) and returns the exit code. */
export function reportError(command: string, error: unknown, stderr: NodeJS.WritableStream): 1 | 2 | 3 {
  const exitCode = exitCodeFor(error);
  const message = error instanceof Error ? error.message : String(error);
  if (exitCode === 3) {
    const stack = error instanceof Error ? (error.stack ?? message) : message;
    stderr.write(`harness ${command}: internal error (please report it): ${stack}\n`);
  } else {
    stderr.write(message.startsWith('harness ') ? `${message}\n` : `harness ${command}: ${message}\n`);
  }
  return exitCode;
}
