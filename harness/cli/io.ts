// What a CLI command may touch. Library code never writes to the console or exits the process;
// commands get their streams here and return an exit code (see docs/exit-codes in README).
export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** True when stdout is an interactive terminal (progress lines, colours). */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM: commands stop work, clean up, write partial results. */
  signal: AbortSignal;
}

/** Exit codes, documented in README.md. */
export const EXIT = {
  ok: 0,
  failed: 1, // a scenario, threshold or comparison failed
  usage: 2, // invalid input: bad arguments, bad scenario file, unknown target
  internal: 3, // a bug in the harness
} as const;

export type CommandModule = {
  /** One line for `harness --help`. */
  summary: string;
  run(argv: string[], io: CliIO): Promise<number>;
};
