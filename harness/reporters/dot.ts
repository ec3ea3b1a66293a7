// A compact reporter for CI logs: one character per scenario (. F - ! ~) and load (L, or X when it
// failed), 80 per line, then the same summary as the list reporter.
import type { LoadResult, RunResult, ScenarioResult, Verdict } from '../result/index.js';
import { baselineOf } from './file-reporters.js';
import { renderSummary } from './render/summary.js';
import type { Reporter, ReporterContext } from './types.js';

const DOT: Record<Verdict, string> = { passed: '.', failed: 'F', skipped: '-', warning: '!', deviation: '~' };

export class DotReporter implements Reporter {
  private column = 0;

  constructor(private readonly ctx: ReporterContext) {}

  onScenarioEnd(s: ScenarioResult): void {
    this.put(DOT[s.verdict]);
  }

  onLoadEnd(l: LoadResult): void {
    this.put(l.verdict === 'passed' ? 'L' : 'X');
  }

  onEnd(result: RunResult): void {
    this.ctx.stdout.write(`${this.column > 0 ? '\n' : ''}\n${renderSummary(result, baselineOf(this.ctx))}`);
    this.column = 0;
  }

  private put(char: string): void {
    this.ctx.stdout.write(char);
    this.column += 1;
    if (this.column === 80) {
      this.ctx.stdout.write('\n');
      this.column = 0;
    }
  }
}
