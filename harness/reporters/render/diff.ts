// The differences of a differential run as console text: one block per class, one line per row
// (what differs, how often), then where it first occurred, its statements and what to do next.
// A pure function of the result model's `diff` part.
import { DIFFERENCE_CLASSES, type DiffReport, type DifferenceRow } from '../../result/index.js';

/** Occurrences printed under a row (the JSON and HTML reports list more). */
const SHOWN = 3;

export function renderDiff(report: DiffReport): string {
  const others = report.targets.slice(1).join(', ');
  const out = [
    `Diff: baseline ${report.settings.baseline} vs ${others} — ${report.compared} scenario runs compared, ` +
      `${report.total} difference${report.total === 1 ? '' : 's'} in ${report.rows.length} row${report.rows.length === 1 ? '' : 's'}` +
      (report.notCompared.length > 0 ? `, ${report.notCompared.length} not compared` : ''),
  ];
  for (const cls of DIFFERENCE_CLASSES) {
    const rows = report.rows.filter((row) => row.class === cls);
    if (rows.length === 0) continue;
    const count = rows.reduce((sum, row) => sum + row.count, 0);
    out.push(
      '',
      `${cls[0]!.toUpperCase()}${cls.slice(1)} (${rows.length} row${rows.length === 1 ? '' : 's'}, ${count} occurrence${count === 1 ? '' : 's'})`,
    );
    for (const row of rows) out.push(...rowLines(row));
  }
  if (report.notCompared.length > 0) {
    out.push('', `Not compared (${report.notCompared.length})`);
    for (const item of report.notCompared.slice(0, 10)) {
      out.push(`  ${item.scenario} [${item.mqttVersion}] on ${item.target}: ${item.reason}`);
    }
    if (report.notCompared.length > 10) out.push(`  ... and ${report.notCompared.length - 10} more`);
  }
  if (report.rows.length === 0) out.push('', 'No differences.');
  return `${out.join('\n')}\n`;
}

function rowLines(row: DifferenceRow): string[] {
  const lines = [`  ${row.count > 1 ? `×${row.count} ` : ''}[${row.aspect}] ${row.summary}`];
  for (const o of row.occurrences.slice(0, SHOWN)) {
    const where = o.location ?? o.file;
    const client = o.client !== undefined ? `, client ${o.client}` : '';
    lines.push(`      at ${where} (step ${o.step} ${o.stepKind}${client}) ${o.scenario} [${o.mqttVersion}]`);
    if (o.detail !== undefined && row.aspect !== 'packet') lines.push(`         ${o.detail}`);
  }
  if (row.count > SHOWN) lines.push(`      ... and ${row.count - SHOWN} more`);
  if (row.statements.length > 0)
    lines.push(
      `      statements: ${row.statements.slice(0, 8).join(', ')}${row.statements.length > 8 ? ', ...' : ''}`,
    );
  for (const next of row.next) lines.push(`      next: ${next}`);
  return lines;
}
