// Reporter contract (after Playwright's): every hook is optional; the runner calls them as results
// arrive, and `onEnd` gets the complete, canonical RunResult. A reporter renders only the result model.
import type { LoadProgress, LoadResult, RunResult, ScenarioResult } from '../result/index.js';

export type { LoadProgress };

export interface RunBeginInfo {
  targets: string[];
  profiles: string[];
  /** Number of scenario × target × version × profile runs planned. */
  total: number;
}

export interface Reporter {
  onBegin?(info: RunBeginInfo): void;
  onScenarioEnd?(result: ScenarioResult): void;
  onLoadProgress?(progress: LoadProgress): void;
  onLoadEnd?(result: LoadResult): void;
  onEnd?(result: RunResult): void | Promise<void>;
}

export interface ReporterContext {
  stdout: NodeJS.WritableStream;
  /** Where a reporter's own failure is reported (the multiplexer catches it); defaults to stdout. */
  stderr?: NodeJS.WritableStream;
  /**
   * Directory for file reporters (json, junit, markdown, html). When absent or empty, json, junit
   * and markdown print to stdout instead and html writes to `reports/`.
   */
  outputDir?: string;
  isTTY: boolean;
  /** Environment, for $GITHUB_STEP_SUMMARY (markdown reporter). Not read from process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The target the comparative views compare every other with (`--baseline`); default the first. */
  baselineTarget?: string;
  /** Told the path of every report file written (the CLI names them at the end). */
  onWrite?(file: string): void;
}
