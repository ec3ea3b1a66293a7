// The comparative tables in Markdown and on the console: the same cells (text.ts), two layouts.
import { escapeMarkdownCell, textTable } from '../format.js';
import { workloadText, type TextTable } from './text.js';
import type { ComparativeView } from './view.js';

function intro(view: ComparativeView): string {
  return (
    `Baseline: ${view.baseline}. Value (95 % interval); Δ against the baseline, marked better/worse only ` +
    "where significant (Welch's t-test when both were repeated, else non-overlapping intervals; the same decision ranks targets by maximum sustainable rate)." +
    (view.baselineNote ? ` Note: ${view.baselineNote}.` : '') +
    (view.inconclusive.length ? ` ${view.inconclusive.length} cell(s) inconclusive.` : '')
  );
}

export function comparativeMarkdown(view: ComparativeView): string {
  const out: string[] = ['### Comparison', '', intro(view), ''];
  for (const workload of view.workloads) {
    const text = workloadText(view, workload);
    out.push(`#### ${escapeMarkdownCell(text.title)}`, '');
    for (const table of text.tables) out.push(`**${table.title}**`, '', markdownTable(table), '');
    for (const note of text.notes) out.push(`- ${note}`);
    if (text.notes.length) out.push('');
  }
  return out.join('\n');
}

export function comparativeConsole(view: ComparativeView): string {
  const out: string[] = [`Comparison — ${intro(view)}`];
  for (const workload of view.workloads) {
    const text = workloadText(view, workload);
    out.push('', `  ${text.title}`);
    for (const table of text.tables)
      out.push(`  ${table.title}`, textTable([table.header, ...table.rows], '    '));
    for (const note of text.notes) out.push(`    ${note}`);
  }
  return out.join('\n');
}

function markdownTable(table: TextTable): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(table.header), `|${table.header.map(() => ' --- ').join('|')}|`, ...table.rows.map(line)].join(
    '\n',
  );
}
