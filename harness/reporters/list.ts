// The default console reporter: a line per scenario as it ends (✓ ✗ - ! ~, name, target, version,
// time), a line per load, a live progress line for loads on a TTY, and the summary at the end.
import type { LoadResult, RunResult, ScenarioResult } from '../result/index.js';
import { VERDICT_SYMBOL } from './render/aggregate.js';
import { formatMicros, formatMillis, formatRate } from './render/format.js';
import { placementText } from './render/load-figures.js';
import { baselineOf } from './file-reporters.js';
import { renderSummary } from './render/summary.js';
import type { LoadProgress, Reporter, ReporterContext, RunBeginInfo } from './types.js';

export class ListReporter implements Reporter {
  private progressShown = false;

  constructor(private readonly ctx: ReporterContext) {}

  onBegin(info: RunBeginInfo): void {
    this.write(
      `Running ${info.total} scenario runs on ${info.targets.join(', ') || 'no target'} (profiles: ${info.profiles.join(', ') || 'none'})\n\n`,
    );
  }

  onScenarioEnd(s: ScenarioResult): void {
    const reason =
      s.verdict === 'passed' ? '' : ` — ${s.reason ?? s.failure?.message ?? ''}`.replace(/ — $/, '');
    this.write(
      `  ${VERDICT_SYMBOL[s.verdict]} ${s.name} [${s.target} · MQTT ${s.mqttVersion} · ${s.profile}] ${formatMillis(s.durationMs)}${reason}\n`,
    );
  }

  onLoadProgress(p: LoadProgress): void {
    if (!this.ctx.isTTY) return;
    const line = `  … ${p.load} [${p.target}] ${formatMillis(p.elapsedMs)}: sent ${formatRate(p.sentPerSec)}, delivered ${formatRate(p.receivedPerSec)}, p99 ${formatMicros(p.p99Us)}, errors ${p.errors}`;
    this.ctx.stdout.write(`\r\x1b[2K${line}`);
    this.progressShown = true;
  }

  onLoadEnd(l: LoadResult): void {
    const mark = l.verdict === 'passed' ? '✓' : '✗';
    const placement = placementText(l);
    this.write(
      `  ${mark} load ${l.name} [${l.target} · MQTT ${l.mqttVersion} · ${l.profile}] ${formatMillis(l.durationMs)}: ` +
        `${formatRate(l.rate.receivedPerSec)} delivered, p50 ${formatMicros(l.latency.p50)}, p99 ${formatMicros(l.latency.p99)}` +
        `${placement === undefined ? '' : ` (${placement})`}${l.reason ? ` — ${l.reason}` : ''}\n`,
    );
  }

  onEnd(result: RunResult): void {
    this.write(`\n${renderSummary(result, baselineOf(this.ctx))}`);
  }

  private write(text: string): void {
    if (this.progressShown) {
      this.ctx.stdout.write('\r\x1b[2K');
      this.progressShown = false;
    }
    this.ctx.stdout.write(text);
  }
}
