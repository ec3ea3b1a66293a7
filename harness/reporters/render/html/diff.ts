// The HTML section of a differential run (RunResult.diff): one table per class of difference, each
// row with where it occurred (file:line of the step), the statements it touches and the next steps.
import { DIFFERENCE_CLASSES, type DiffReport, type DifferenceRow } from '../../../result/index.js';
import { esc, htmlTable } from './shared.js';

export function diffSection(report: DiffReport | undefined): string {
  if (report === undefined) return '';
  const out = [
    '<section id="diff"><h2>Differences between targets</h2>',
    `<p>Baseline <strong>${esc(report.settings.baseline)}</strong> compared with ${esc(report.targets.slice(1).join(', '))}: ` +
      `${report.compared} scenario runs compared, ${report.total} differences in ${report.rows.length} rows` +
      `${report.notCompared.length > 0 ? `, ${report.notCompared.length} not compared` : ''}. ` +
      `Timing counts above ${report.settings.timingToleranceMs} ms and ${report.settings.timingFactor}× (diff schema v${report.schemaVersion}).</p>`,
  ];
  if (report.rows.length === 0) out.push('<p class="passed">No differences.</p>');
  for (const cls of DIFFERENCE_CLASSES) {
    const rows = report.rows.filter((row) => row.class === cls);
    if (rows.length === 0) continue;
    out.push(
      `<h3>${esc(cls)}</h3>`,
      htmlTable(
        ['target', 'aspect', 'difference', 'count', 'where', 'statements', 'next step'],
        rows.map(cells),
        new Set([3]),
      ),
    );
  }
  if (report.notCompared.length > 0) {
    out.push(
      '<h3>Not compared</h3>',
      htmlTable(
        ['scenario', 'MQTT', 'target', 'why'],
        report.notCompared.map((item) => [
          esc(item.scenario),
          esc(item.mqttVersion),
          esc(item.target),
          esc(item.reason),
        ]),
      ),
    );
  }
  out.push('</section>');
  return out.join('\n');
}

function cells(row: DifferenceRow): string[] {
  const where = row.occurrences
    .map(
      (o) =>
        `${esc(o.location ?? o.file)} <span class="muted">(${esc(o.stepKind)}, ${esc(o.scenario)} ${esc(o.mqttVersion)})</span>`,
    )
    .join('<br>');
  const more =
    row.count > row.occurrences.length ? `<br>… and ${row.count - row.occurrences.length} more` : '';
  return [
    esc(row.target),
    esc(row.aspect),
    esc(row.summary),
    String(row.count),
    `${where}${more}`,
    esc(row.statements.join(', ')),
    row.next.map((next) => esc(next)).join('<br>'),
  ];
}
