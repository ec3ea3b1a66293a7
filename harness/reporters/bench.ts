// The console reporter of `harness bench`: a live progress line on a terminal, every figure of each
// load as it ends, and the totals line at the end.
import type { LoadResult, RunResult } from '../result/index.js';
import { baselineOf } from './file-reporters.js';
import { comparativeConsole } from './render/comparative/plain.js';
import { sweepStepsText } from './render/comparative/sweep-steps.js';
import { comparativeView } from './render/comparative/view.js';
import { formatMicros, formatMillis, formatRate } from './render/format.js';
import { renderLoadDetails } from './render/load-details.js';
import { totalsLine } from './render/summary.js';
import type { LoadProgress, Reporter, ReporterContext } from './types.js';

export class BenchReporter implements Reporter {
  private progressShown = false;

  constructor(private readonly ctx: ReporterContext) {}

  onLoadProgress(p: LoadProgress): void {
    if (!this.ctx.isTTY) return;
    const line = `${formatMillis(p.elapsedMs)}  sent ${formatRate(p.sentPerSec)}  received ${formatRate(p.receivedPerSec)}  p99 ${formatMicros(p.p99Us)}  errors ${p.errors}`;
    this.ctx.stdout.write(`\r\x1b[2K${line}`);
    this.progressShown = true;
  }

  onLoadEnd(load: LoadResult): void {
    this.write(`${renderLoadDetails(load)}\n`);
  }

  onEnd(result: RunResult): void {
    for (const sweep of result.sweeps ?? []) this.write(`${sweepStepsText(sweep)}\n\n`);
    // Several targets or profiles: the comparison tables before the totals.
    const compared = comparativeView(result, baselineOf(this.ctx));
    if (compared) this.write(`${comparativeConsole(compared)}\n\n`);
    if (result.interrupted) this.write(`Interrupted: ${result.interrupted.reason}\n`);
    this.write(`${totalsLine(result)}\n`);
  }

  private write(text: string): void {
    if (this.progressShown) {
      this.ctx.stdout.write('\r\x1b[2K');
      this.progressShown = false;
    }
    this.ctx.stdout.write(text);
  }
}
