// renderHtml(result, { comparison }): ONE self-contained HTML file that works offline from file://.
// Tables and charts (inline SVG) are rendered here, on the server: the page needs no JavaScript,
// loads nothing from the network, and carries the RunResult as inline JSON for tools that want it.
import type { Comparison } from '../../../compare/model.js';
import type { RunResult } from '../../../result/index.js';
import { inconclusiveLoads, runOutcome } from '../aggregate.js';
import { formatMillis } from '../format.js';
import { runPlacementText } from '../load-figures.js';
import { comparativeView } from '../comparative/view.js';
import { comparativeSection } from './comparative.js';
import { comparisonSection } from './comparison.js';
import { conformanceSection, evidenceSection, overviewSection } from './conformance.js';
import { diffSection } from './diff.js';
import { loadSection } from './load.js';
import { esc } from './shared.js';
import { STYLE } from './style.js';

export interface HtmlOptions {
  comparison?: Comparison;
  title?: string;
  /** The target the comparative views compare every other with (default: the first target). */
  baselineTarget?: string;
}

/**
 * The header's one word: the run's outcome, except that a run compared with a baseline that
 * regressed is never shown as passed beside its regressions.
 */
export function badgeOutcome(result: RunResult, comparison?: Comparison): string {
  const outcome = runOutcome(result);
  return outcome === 'passed' && comparison?.regressed === true ? 'regressed' : outcome;
}

export function renderHtml(result: RunResult, options: HtmlOptions = {}): string {
  const placement = runPlacementText(result);
  const outcome = badgeOutcome(result, options.comparison);
  const s = result.summary;
  const loadsInconclusive = inconclusiveLoads(result).length;
  const title = options.title ?? `MQTT harness report — ${outcome}`;
  const compared = comparativeView(
    result,
    options.baselineTarget === undefined ? {} : { baselineTarget: options.baselineTarget },
  );
  const inconclusive = compared?.inconclusive.length ?? 0;
  const nav = [
    ['overview', 'Overview'],
    ...(result.scenarios.length ? [['conformance', 'Conformance']] : []),
    ...(result.scenarios.some((x) => x.verdict !== 'passed' && x.verdict !== 'skipped')
      ? [['failures', 'Failures']]
      : []),
    ...(compared ? [['compare', 'Comparison of targets']] : []),
    ...(result.loads.length ? [['load', 'Load']] : []),
    ...(result.diff ? [['diff', 'Differences']] : []),
    ...(options.comparison ? [['comparison', 'Comparison']] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>MQTT harness report <span class="badge ${outcome}">${outcome}</span>${
    inconclusive
      ? ` <a class="badge inconclusive" href="#compare" title="load cells that could not be judged">${inconclusive} inconclusive</a>`
      : ''
  }</h1>
<div>${s.passed} passed · ${s.failed} failed · ${s.skipped} skipped · ${s.warnings} warnings · ${s.deviations} deviations of ${s.total} scenario runs${
    result.loads.length
      ? ` · ${result.loads.length} loads (${s.loadsFailed} failed${loadsInconclusive ? `, ${loadsInconclusive} inconclusive` : ''})`
      : ''
  }</div>
<div class="muted">Started ${esc(result.startedAt)} · ${esc(formatMillis(result.durationMs))} · ${esc(result.tool.name)} ${esc(result.tool.version)} · result schema v${result.schemaVersion}${
    result.interrupted
      ? ` · <strong class="warning">interrupted: ${esc(result.interrupted.reason)}</strong>`
      : ''
  }${placement === undefined ? '' : ` · placement: ${esc(placement)}`}</div>
</header>
<nav>${nav.map(([id, label]) => `<a href="#${id}">${label}</a>`).join('')}</nav>
<main>
${overviewSection(result)}
${conformanceSection(result)}
${evidenceSection(result)}
${comparativeSection(compared)}
${loadSection(result)}
${diffSection(result.diff)}
${comparisonSection(options.comparison)}
</main>
<script type="application/json" id="run-result">${inlineJson(result)}</script>
</body>
</html>
`;
}

/** JSON safe inside a <script> element: no "</script>", no "<!--". */
function inlineJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
