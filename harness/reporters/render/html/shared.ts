// Small HTML building helpers for the report sections.
import type { LoadVerdict, Verdict } from '../../../result/index.js';
import { VERDICT_SYMBOL } from '../aggregate.js';
import { escapeHtml } from '../format.js';

export const esc = escapeHtml;

export function htmlTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number> = new Set(),
): string {
  const head = `<tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => (numeric.has(i) ? `<td class="num">${cell}</td>` : `<td>${cell}</td>`)).join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function verdictCell(verdict: Verdict | LoadVerdict, href?: string): string {
  const text = `${VERDICT_SYMBOL[verdict]} ${verdict}`;
  return href
    ? `<a class="${verdict}" href="${href}">${esc(text)}</a>`
    : `<span class="${verdict}">${esc(text)}</span>`;
}

/** A stable element id from arbitrary text. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
