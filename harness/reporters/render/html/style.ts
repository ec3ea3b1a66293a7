// The stylesheet of the HTML report, inlined in the page (the report must work offline).
export const STYLE = `
:root { --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --dev: #8250df; --skip: #6e7781; --line: #d0d7de; --bg2: #f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1f2328; }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--bg2); }
header h1 { margin: 0 0 4px; font-size: 20px; }
nav { padding: 8px 24px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: #fff; z-index: 1; }
nav a { margin-right: 16px; }
main { padding: 0 24px 48px; max-width: 1400px; }
h2 { margin-top: 32px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { margin-top: 24px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg2); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: var(--ok); } .failed { color: var(--bad); font-weight: 600; } .skipped { color: var(--skip); }
.warning { color: var(--warn); } .deviation { color: var(--dev); } .inconclusive { color: var(--warn); font-weight: 600; }
td > .passed, td > .failed, td > .skipped, td > .warning, td > .deviation, td > .inconclusive { white-space: nowrap; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; font-weight: 600; }
.badge.passed { background: var(--ok); color: #fff; } .badge.failed { background: var(--bad); color: #fff; } .badge.interrupted { background: var(--warn); color: #fff; }
.badge.regressed { background: var(--bad); color: #fff; }
pre { background: var(--bg2); padding: 6px 8px; margin: 4px 0; overflow-x: auto; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
details { margin: 6px 0; } summary { cursor: pointer; }
article.evidence { border: 1px solid var(--line); border-left: 4px solid var(--bad); padding: 8px 12px; margin: 12px 0; }
article.evidence-deviation { border-left-color: var(--dev); } article.evidence-warning { border-left-color: var(--warn); }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts > p { flex-basis: 100%; margin: 0; }
svg.chart { background: #fff; border: 1px solid var(--line); }
svg.chart .grid { stroke: #eaeef2; } svg.chart .frame { fill: none; stroke: #8c959f; }
svg.chart .tick, svg.chart .legend { font-size: 11px; fill: #57606a; }
svg.chart .axis-label { font-size: 12px; fill: #1f2328; } svg.chart .chart-title { font-size: 13px; font-weight: 600; fill: #1f2328; }
.muted { color: #57606a; }
.badge.inconclusive { background: var(--skip); color: #fff; text-decoration: none; font-size: 14px; vertical-align: middle; }
div.table-scroll { max-width: 100%; overflow-x: auto; }
table.compare td { min-width: 110px; }
table.compare td:first-child, table.compare td.num { min-width: 0; white-space: nowrap; }
.cell .value { font-variant-numeric: tabular-nums; white-space: nowrap; }
.cell .ci { font-size: 11px; color: #57606a; white-space: nowrap; font-variant-numeric: tabular-nums; }
span.slo { font-size: 12px; }
.cell .delta { display: block; font-size: 12px; }
.delta.better, .better { color: var(--ok); font-weight: 600; } .delta.worse, .worse { color: var(--bad); font-weight: 600; } .delta.same { color: #57606a; }
.cell .why { display: block; font-size: 12px; color: #57606a; }
.cell.failed { color: var(--bad); font-weight: normal; white-space: normal; }
.cell.knee { background: #fff8c5; }
.cell.inconclusive, .inconclusive-key { color: #8c959f; background: repeating-linear-gradient(45deg, #f6f8fa, #f6f8fa 6px, #eaeef2 6px, #eaeef2 12px); }
.cell.inconclusive .delta { color: #8c959f; font-weight: normal; }
sup.caveat { color: var(--warn); font-weight: 600; cursor: help; }
ul.notes { font-size: 13px; color: #57606a; }
`;
