// docs/matrix.html: the same matrix as one self-contained page (inline CSS, no JavaScript), with the
// statement summary, deviation behaviour and skip reason in each cell's title.
import { entryLink, LOAD_METRICS, loadGroups, SYMBOL, compactCounts } from './markdown.js';
import { bySection, CELL_STATES, totals, type Cell, type Matrix } from './model.js';

const html = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1b1f24; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 2px 8px; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.c { text-align: center; min-width: 4.5rem; }
td.n { text-align: right; }
.pass { background: #dafbe1; } .deviation { background: #fff8c5; } .fail { background: #ffebe9; }
.warning { background: #fbefff; } .skipped { background: #f6f8fa; color: #57606a; }
.not-reached { background: #eef2f6; color: #57606a; }
a { color: #0969da; }
`;

export function renderHtml(matrix: Matrix): string {
  const names = matrix.brokers.map((b) => b.name);
  const body = [
    '<h1>Six brokers, one matrix</h1>',
    `<p>Generated ${html(matrix.run.generatedAt)} by <code>npm run matrix</code> on ${html(matrix.run.machine)} (load average ${matrix.run.loadAverage.toFixed(2)} at the start). The same data as <a href="matrix.md">matrix.md</a>; hover a cell for the statement, the deviation or the skip reason.</p>`,
    legend(),
    brokers(matrix),
    '<h2>Totals per spec section</h2>',
    sectionTable(matrix, names),
    '<h2>Load figures</h2>',
    `<p>MQTT 3.1.1, ${matrix.run.loadRate} messages/s for ${html(matrix.run.loadDuration)}, one run each on a shared machine.</p>`,
    ...loadTables(matrix, names),
    '<h2>Statement × broker</h2>',
    ...matrix.versions.map(({ version, rows }) =>
      [`<h3>MQTT ${version}</h3>`, statementTable(rows, names)].join('\n'),
    ),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>MQTT conformance and performance matrix</title>
<style>${STYLE}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

function legend(): string {
  const items = CELL_STATES.map(
    (state) => `<span class="${state}">&nbsp;${SYMBOL[state]} ${state}&nbsp;</span>`,
  );
  return `<p>${items.join(' ')}</p>`;
}

function brokers(matrix: Matrix): string {
  const rows = matrix.brokers.map((broker) => {
    const startup = broker.startupMs === undefined ? '-' : `${(broker.startupMs / 1000).toFixed(1)} s`;
    const cells = matrix.versions.map(({ rows: statementRows }) =>
      compactCounts(totals(statementRows, broker.name).counts),
    );
    return `<tr><td>${html(broker.name)}</td><td>${html(broker.version)}</td><td class="n">${startup}</td>${cells.map((c) => `<td>${html(c)}</td>`).join('')}</tr>`;
  });
  const versionHeads = matrix.versions.map(
    ({ version, rows }) => `<th>MQTT ${version} (${rows.length} statements)</th>`,
  );
  return `<table><tr><th>broker</th><th>version</th><th>start-up</th>${versionHeads.join('')}</tr>\n${rows.join('\n')}</table>`;
}

function sectionTable(matrix: Matrix, names: string[]): string {
  const head = `<tr><th>MQTT</th><th>section</th><th>statements</th>${names.map((n) => `<th>${html(n)}</th>`).join('')}</tr>`;
  const rows = matrix.versions.flatMap(({ version, rows: statementRows }) =>
    bySection(statementRows).map(({ section, rows: sectionRows }) => {
      const cells = names.map((name) => `<td>${html(compactCounts(totals(sectionRows, name).counts))}</td>`);
      return `<tr><td>${version}</td><td>${section}</td><td class="n">${sectionRows.length}</td>${cells.join('')}</tr>`;
    }),
  );
  return `<table>${head}\n${rows.join('\n')}</table>`;
}

function loadTables(matrix: Matrix, names: string[]): string[] {
  return loadGroups(matrix.loads).map((group) => {
    const head = `<tr><th></th>${names.map((n) => `<th>${html(n)}</th>`).join('')}</tr>`;
    const rows = LOAD_METRICS.map((metric) => {
      const cells = names.map((name) => {
        const result = group.rows.find((row) => row.broker === name)?.result;
        return `<td class="n">${html(result === undefined ? '-' : metric.value(result))}</td>`;
      });
      return `<tr><th>${html(metric.label)}</th>${cells.join('')}</tr>`;
    });
    return `<h3>${html(group.load)} under <code>${html(group.profile)}</code></h3>\n<table>${head}\n${rows.join('\n')}</table>`;
  });
}

function cellHtml(cell: Cell | undefined, summary: string): string {
  if (cell === undefined) return '<td></td>';
  const title = html(
    [summary, cell.deviation ? `${cell.deviation.behaviour} — ${cell.deviation.reason}` : cell.note]
      .filter(Boolean)
      .join('\n'),
  );
  const symbol =
    cell.deviation !== undefined
      ? `<a href="${html(entryLink(cell.deviation.file, cell.deviation.line))}">${SYMBOL.deviation}</a>`
      : SYMBOL[cell.state];
  return `<td class="c ${cell.state}" title="${title}">${symbol}</td>`;
}

function statementTable(rows: Matrix['versions'][number]['rows'], names: string[]): string {
  const head = `<tr><th>statement</th><th>level</th>${names.map((n) => `<th>${html(n)}</th>`).join('')}</tr>`;
  const body = rows.map(
    (row) =>
      `<tr><td title="${html(row.summary)}">${row.id}</td><td>${row.level.toUpperCase()}</td>${names.map((name) => cellHtml(row.cells[name], row.summary)).join('')}</tr>`,
  );
  return `<table>${head}\n${body.join('\n')}</table>`;
}
