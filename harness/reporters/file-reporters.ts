// The reporters that write one file from the final RunResult: json, junit, markdown, html.
import type { RunResult } from '../result/index.js';
import { writeReport } from './output.js';
import { renderHtml } from './render/html/index.js';
import { renderJUnit } from './render/junit.js';
import { renderMarkdown } from './render/markdown.js';
import type { Reporter, ReporterContext } from './types.js';
import { appendFile } from 'node:fs/promises';

export class JsonReporter implements Reporter {
  constructor(private readonly ctx: ReporterContext) {}
  async onEnd(result: RunResult): Promise<void> {
    await writeReport(this.ctx, 'results.json', `${JSON.stringify(result, null, 2)}\n`);
  }
}

export class JUnitReporter implements Reporter {
  constructor(private readonly ctx: ReporterContext) {}
  async onEnd(result: RunResult): Promise<void> {
    await writeReport(this.ctx, 'junit.xml', renderJUnit(result));
  }
}

/** Writes report.md; also appends it to $GITHUB_STEP_SUMMARY when that is set in ctx.env. */
export class MarkdownReporter implements Reporter {
  constructor(private readonly ctx: ReporterContext) {}
  async onEnd(result: RunResult): Promise<void> {
    const markdown = renderMarkdown(result, baselineOf(this.ctx));
    await writeReport(this.ctx, 'report.md', markdown);
    const summaryFile = this.ctx.env?.['GITHUB_STEP_SUMMARY'];
    if (summaryFile) await appendFile(summaryFile, markdown, 'utf8');
  }
}

/** Writes report.html (to `reports/` when no output directory is set: HTML is never printed). */
export class HtmlReporter implements Reporter {
  constructor(private readonly ctx: ReporterContext) {}
  async onEnd(result: RunResult): Promise<void> {
    await writeReport(this.ctx, 'report.html', renderHtml(result, baselineOf(this.ctx)), 'reports');
  }
}

/** The reporter option `baselineTarget`, as the renderers take it. */
export function baselineOf(ctx: ReporterContext): { baselineTarget?: string } {
  return ctx.baselineTarget === undefined ? {} : { baselineTarget: ctx.baselineTarget };
}
