// HTML sections for conformance: the target × profile matrix, results by spec section with
// statement ids, and the evidence of every failure, deviation and warning.
import type { ReceivedPacket, RunResult, ScenarioResult } from '../../../result/index.js';
import {
  addVerdict,
  bySection,
  countsCell,
  countVerdicts,
  emptyCounts,
  profileNames,
  targetNames,
  verdictMatrix,
  type VerdictCounts,
} from '../aggregate.js';
import { failureHeadline } from '../evidence.js';
import { formatHex, formatMillis } from '../format.js';
import { esc, htmlTable, verdictCell } from './shared.js';

export function overviewSection(result: RunResult): string {
  const out: string[] = ['<section id="overview"><h2>Overview</h2>'];
  const targets = result.targets.map((t) => [
    esc(t.name),
    esc(t.kind),
    `<code>${esc(t.url)}</code>`,
    esc(t.version ?? ''),
    String(t.knownDeviations?.length ?? 0),
  ]);
  if (targets.length)
    out.push(
      '<h3>Targets</h3>',
      htmlTable(['target', 'kind', 'url', 'version', 'known deviations'], targets),
    );
  if (result.profiles.length) {
    // One row per profile, or per profile × target when it was measured towards several targets.
    const rows = result.profiles.flatMap((p) =>
      (p.byTarget ?? [{ target: '', measured: p.measured }]).map(({ target, measured }) => [
        esc(p.name),
        esc(target),
        esc(p.description ?? ''),
        esc(p.backend ?? ''),
        measured?.rttMs ? `${measured.rttMs.p50} / ${measured.rttMs.p99} ms` : '–',
        measured?.throughputBytesPerSec !== undefined
          ? `${Math.round(measured.throughputBytesPerSec / 1024)} KiB/s`
          : '–',
        measured?.packets ? String(measured.packets.dropped) : '–',
      ]),
    );
    out.push(
      '<h3>Network profiles</h3>',
      htmlTable(
        [
          'profile',
          'towards',
          'description',
          'backend',
          'measured RTT p50 / p99',
          'measured throughput',
          'packets dropped',
        ],
        rows,
      ),
    );
  }
  if (result.scenarios.length) {
    const profiles = profileNames(result);
    const rows = [...verdictMatrix(result)].map(([target, row]) => {
      const all = countVerdicts(result.scenarios.filter((s) => s.target === target));
      return [
        esc(target),
        ...profiles.map((p) => {
          const cell = row.get(p);
          const cls = cell && cell.failed ? 'failed' : cell && cell.total ? 'passed' : 'skipped';
          return `<span class="${cls}">${esc(cell ? countsCell(cell) : '·')}</span>`;
        }),
        String(all.passed),
        String(all.failed),
        String(all.skipped),
        String(all.warnings),
        String(all.deviations),
      ];
    });
    const header = ['target', ...profiles, 'passed', 'failed', 'skipped', 'warnings', 'deviations'];
    const numeric = new Set(Array.from({ length: 5 }, (_, i) => profiles.length + 1 + i));
    out.push('<h3>Conformance: targets × profiles</h3>', htmlTable(header, rows, numeric));
    out.push(
      '<p class="muted">✓ passed · ✗ failed · ! warning (SHOULD/MAY) · ~ known deviation · - skipped</p>',
    );
  }
  out.push('</section>');
  return out.join('\n');
}

export function conformanceSection(result: RunResult): string {
  if (result.scenarios.length === 0) return '';
  const index = new Map(result.scenarios.map((s, i) => [s, i]));
  const out: string[] = ['<section id="conformance"><h2>Conformance by spec section</h2>'];
  for (const group of bySection(result)) {
    const open = group.counts.failed > 0 ? ' open' : '';
    out.push(
      `<details${open}><summary><strong>${esc(group.section)} ${esc(group.title)}</strong> — ${esc(countsCell(group.counts))}</summary>`,
    );
    out.push(statementCounts(group.entries));
    const rows = group.entries.map(({ statements, scenario }) => {
      const i = index.get(scenario) ?? 0;
      const href = hasEvidence(scenario) ? `#ev-${i}` : undefined;
      return [
        statements.map((id) => `<code>${esc(id)}</code>`).join('<br>'),
        esc(scenario.name),
        esc(scenario.target),
        esc(scenario.mqttVersion),
        esc(scenario.profile),
        esc(scenario.level),
        verdictCell(scenario.verdict, href),
        esc(formatMillis(scenario.durationMs)),
        esc(scenario.verdict === 'skipped' ? (scenario.reason ?? '') : ''),
      ];
    });
    out.push(
      htmlTable(
        ['statements', 'scenario', 'target', 'MQTT', 'profile', 'level', 'verdict', 'time', 'note'],
        rows,
        new Set([7]),
      ),
    );
    out.push('</details>');
  }
  out.push('</section>');
  return out.join('\n');
}

/** One line per section: each statement id with the verdicts of the runs that check it. */
function statementCounts(entries: readonly { statements: string[]; scenario: ScenarioResult }[]): string {
  const perStatement = new Map<string, VerdictCounts>();
  for (const { statements, scenario } of entries) {
    for (const id of statements) {
      let counts = perStatement.get(id);
      if (!counts) perStatement.set(id, (counts = emptyCounts()));
      addVerdict(counts, scenario.verdict);
    }
  }
  const items = [...perStatement]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([id, c]) => `<code class="${c.failed ? 'failed' : ''}">${esc(id)}</code> ${esc(countsCell(c))}`);
  return `<p class="statements">Statements (${perStatement.size}): ${items.join(' · ')}</p>`;
}

function hasEvidence(s: ScenarioResult): boolean {
  return s.verdict === 'failed' || s.verdict === 'deviation' || s.verdict === 'warning';
}

export function evidenceSection(result: RunResult): string {
  const items = result.scenarios.map((s, i) => [s, i] as const).filter(([s]) => hasEvidence(s));
  if (items.length === 0) return '';
  const order = { failed: 0, deviation: 1, warning: 2 } as Record<string, number>;
  items.sort((a, b) => (order[a[0].verdict] ?? 3) - (order[b[0].verdict] ?? 3) || a[1] - b[1]);
  const out = [`<section id="failures"><h2>Failures, deviations and warnings (${items.length})</h2>`];
  for (const [s, i] of items) out.push(evidenceArticle(s, i));
  out.push('</section>');
  return out.join('\n');
}

function evidenceArticle(s: ScenarioResult, i: number): string {
  const out = [`<article class="evidence evidence-${s.verdict}" id="ev-${i}">`];
  out.push(
    `<h3>${verdictCell(s.verdict)} ${esc(s.name)} <span class="muted">[${esc(s.target)} · MQTT ${esc(s.mqttVersion)} · ${esc(s.profile)}]</span></h3>`,
  );
  out.push(
    `<p><code>${esc(s.file)}</code> · ${s.statements.map((id) => `<code>${esc(id)}</code>`).join(', ') || 'no statement ids'} · level ${esc(s.level)}</p>`,
  );
  if (s.description) out.push(`<p>${esc(s.description)}</p>`);
  if (s.reason && s.reason !== s.failure?.message) out.push(`<p>${esc(s.reason)}</p>`);
  const f = s.failure;
  if (f) {
    out.push(`<p><strong>${esc(failureHeadline(f))}</strong>: ${esc(f.message)}</p>`);
    if (f.expected && f.expected.length) {
      out.push(`<p>Expected${f.expected.length > 1 ? ' (one of)' : ''}:</p>`);
      for (const e of f.expected) out.push(`<pre>${esc(pretty(e))}</pre>`);
    }
    if (f.received !== undefined) {
      if (f.received.length === 0) out.push('<p>Received: <strong>nothing</strong></p>');
      else {
        out.push('<p>Received:</p>');
        out.push(
          htmlTable(['at', 'client', 'event', 'decoded', 'hex', 'decode error'], f.received.map(receivedRow)),
        );
      }
    }
  }
  if (s.steps && s.steps.length) {
    const rows = s.steps.map((st) => [
      String(st.index + 1),
      esc(st.kind),
      esc(st.client ?? ''),
      verdictCell(st.status),
      esc(`${st.startMs.toFixed(1)}ms`),
      esc(`${st.durationMs.toFixed(1)}ms`),
    ]);
    out.push(
      `<details><summary>Steps (${s.steps.length})</summary>${htmlTable(['#', 'step', 'client', 'status', 'start', 'duration'], rows, new Set([0, 4, 5]))}</details>`,
    );
  }
  out.push('</article>');
  return out.join('\n');
}

function receivedRow(p: ReceivedPacket): string[] {
  return [
    esc(`+${p.atMs.toFixed(1)}ms`),
    esc(p.client),
    esc(p.event ?? 'packet'),
    p.decoded !== undefined ? `<pre>${esc(pretty(p.decoded))}</pre>` : '',
    p.hex ? `<pre>${esc(formatHex(p.hex, 512))}</pre>` : '',
    esc(p.decodeError ?? ''),
  ];
}

function pretty(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? typeof value;
  } catch {
    return `(${typeof value}: not serializable)`;
  }
}

export function targetCount(result: RunResult): number {
  return targetNames(result).length;
}
