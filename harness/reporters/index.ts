// Reporters: built-ins looked up by name, combined by a multiplexer, and the pure render functions
// they use (also used by `harness report`). Reporters render the result model only.
import { BenchReporter } from './bench.js';
import { DotReporter } from './dot.js';
import { HtmlReporter, JsonReporter, JUnitReporter, MarkdownReporter } from './file-reporters.js';
import { ListReporter } from './list.js';
import { multiplex } from './multiplexer.js';
import type { Reporter, ReporterContext } from './types.js';

export type { Reporter, ReporterContext, RunBeginInfo, LoadProgress } from './types.js';
export { renderSummary } from './render/summary.js';
export { renderMarkdown } from './render/markdown.js';
export { renderJUnit } from './render/junit.js';
export { renderHtml, type HtmlOptions } from './render/html/index.js';
export { renderLoadDetails } from './render/load-details.js';
export { renderDiff } from './render/diff.js';
export { formatMicros } from './render/format.js';
export { multiplex, type NamedReporter } from './multiplexer.js';

const BUILT_IN: Record<string, (ctx: ReporterContext) => Reporter> = {
  list: (ctx) => new ListReporter(ctx),
  dot: (ctx) => new DotReporter(ctx),
  bench: (ctx) => new BenchReporter(ctx),
  json: (ctx) => new JsonReporter(ctx),
  junit: (ctx) => new JUnitReporter(ctx),
  markdown: (ctx) => new MarkdownReporter(ctx),
  html: (ctx) => new HtmlReporter(ctx),
};

export const REPORTER_NAMES: readonly string[] = Object.keys(BUILT_IN);

/** Its code is in the harness error catalogue; reporters import only the result model, so it cannot extend HarnessError. */
export class UnknownReporterError extends Error {
  readonly code = 'HARNESS_REPORTER_UNKNOWN';
  constructor(readonly reporter: string) {
    super(`unknown reporter '${reporter}' (known: ${REPORTER_NAMES.join(', ')})`);
    this.name = 'UnknownReporterError';
  }
}

/** One built-in reporter; throws UnknownReporterError for an unknown name. */
export function createBuiltInReporter(name: string, ctx: ReporterContext): Reporter {
  const make = BUILT_IN[name];
  if (!make) throw new UnknownReporterError(name);
  return make(ctx);
}

/** One Reporter that drives the named built-ins; throws UnknownReporterError for an unknown name. */
export function createReporter(names: readonly string[], ctx: ReporterContext): Reporter {
  const reporters = [...new Set(names)].map((name) => ({ name, reporter: createBuiltInReporter(name, ctx) }));
  return multiplex(reporters, ctx);
}
export * from './render/format.js';
export * from './types.js';
