// JUnit XML: one <testcase> per scenario × target × MQTT version × profile, grouped in one
// <testsuite> per target × version × profile; loads form their own suites (one testcase per load).
// failed → <failure> with the evidence; skipped → <skipped/>; deviation → <skipped> naming the known
// deviation (it does not fail the run); warning → passed, with the reason in <system-out>. A load that
// is inconclusive is a <failure type="inconclusive"> with its reason (CI must not read it as a pass);
// every threshold is listed with ✓/✗ and its actual value.
import type { LoadResult, RunResult, ScenarioResult } from '../../result/index.js';
import { countVerdicts, inconclusiveLoads, unique } from './aggregate.js';
import { evidenceLines } from './evidence.js';
import { escapeXml } from './format.js';
import { loadProblems, loadRow, LOAD_HEADER, thresholdLine } from './load-figures.js';

export function renderJUnit(result: RunResult): string {
  const suites: string[] = [];
  const keys = unique(result.scenarios.map(suiteKey));
  for (const key of keys) {
    const scenarios = result.scenarios.filter((s) => suiteKey(s) === key);
    suites.push(scenarioSuite(key, scenarios, result.startedAt));
  }
  const loadKeys = unique(
    result.loads.map((l) => `load · ${l.target} · MQTT ${l.mqttVersion} · ${l.profile}`),
  );
  for (const key of loadKeys) {
    const loads = result.loads.filter(
      (l) => `load · ${l.target} · MQTT ${l.mqttVersion} · ${l.profile}` === key,
    );
    suites.push(loadSuite(key, loads, result.startedAt));
  }
  const c = countVerdicts(result.scenarios);
  const tests = c.total + result.loads.length;
  const failuresCount = c.failed + result.summary.loadsFailed + inconclusiveLoads(result).length;
  const attrs = attributes({
    name: 'mqtt-harness',
    tests,
    failures: failuresCount,
    errors: 0,
    skipped: c.skipped + c.deviations,
    time: seconds(result.durationMs),
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs}>\n${suites.join('')}</testsuites>\n`;
}

function suiteKey(s: ScenarioResult): string {
  return `${s.target} · MQTT ${s.mqttVersion} · ${s.profile}`;
}

function scenarioSuite(name: string, scenarios: ScenarioResult[], timestamp: string): string {
  const c = countVerdicts(scenarios);
  const attrs = attributes({
    name,
    tests: c.total,
    failures: c.failed,
    errors: 0,
    skipped: c.skipped + c.deviations,
    time: seconds(scenarios.reduce((sum, s) => sum + s.durationMs, 0)),
    timestamp,
  });
  return `  <testsuite${attrs}>\n${scenarios.map(scenarioCase).join('')}  </testsuite>\n`;
}

function scenarioCase(s: ScenarioResult): string {
  const attrs = attributes({
    name: `${s.name} [${s.target} MQTT ${s.mqttVersion} ${s.profile}]`,
    classname: s.file.replace(/\.(ya?ml|json)$/, '').replace(/[\\/]/g, '.'),
    time: seconds(s.durationMs),
    file: s.file,
  });
  const body: string[] = [properties(s)];
  switch (s.verdict) {
    case 'passed':
      break;
    case 'failed': {
      const message = s.failure?.message ?? s.reason ?? 'failed';
      body.push(
        `      <failure${attributes({ message, type: s.failure?.stepKind ?? 'failure' })}>${escapeXml(evidenceLines(s).join('\n'))}</failure>\n`,
      );
      break;
    }
    case 'skipped':
      body.push(`      <skipped${attributes({ message: s.reason ?? 'skipped' })}/>\n`);
      break;
    case 'deviation':
      body.push(`      <skipped${attributes({ message: deviationMessage(s) })}/>\n`);
      body.push(systemOut(evidenceLines(s).join('\n')));
      break;
    case 'warning':
      body.push(systemOut(`warning (${s.level}): ${evidenceLines(s).join('\n')}`));
      break;
  }
  return `    <testcase${attrs}>\n${body.join('')}    </testcase>\n`;
}

function deviationMessage(s: ScenarioResult): string {
  const text = s.reason ?? s.failure?.message ?? '';
  return text.startsWith('known deviation') ? text : `known deviation: ${text}`.trim();
}

function properties(s: ScenarioResult): string {
  const props: [string, string][] = [
    ['verdict', s.verdict],
    ['target', s.target],
    ['mqttVersion', s.mqttVersion],
    ['profile', s.profile],
    ['level', s.level],
  ];
  for (const id of s.statements) props.push(['statement', id]);
  for (const tag of s.tags) props.push(['tag', tag]);
  const lines = props.map(([name, value]) => `        <property${attributes({ name, value })}/>\n`);
  return `      <properties>\n${lines.join('')}      </properties>\n`;
}

function loadSuite(name: string, loads: LoadResult[], timestamp: string): string {
  const attrs = attributes({
    name,
    tests: loads.length,
    failures: loads.filter((l) => l.verdict !== 'passed').length,
    errors: 0,
    skipped: 0,
    time: seconds(loads.reduce((sum, l) => sum + l.durationMs, 0)),
    timestamp,
  });
  return `  <testsuite${attrs}>\n${loads.map(loadCase).join('')}  </testsuite>\n`;
}

function loadCase(l: LoadResult): string {
  const attrs = attributes({
    name: `${l.name} [${l.target} MQTT ${l.mqttVersion} ${l.profile}]`,
    classname: `load.${l.executor}`,
    time: seconds(l.durationMs),
    ...(l.file ? { file: l.file } : {}),
  });
  const row = loadRow(l);
  const thresholds = l.thresholds.map((t) => `threshold ${thresholdLine(t)}`);
  const caveats = (l.caveats ?? []).map((caveat) => `caveat: ${caveat}`);
  const figures = [...LOAD_HEADER.map((h, i) => `${h}: ${row[i] ?? ''}`), ...thresholds, ...caveats].join(
    '\n',
  );
  const body: string[] = [];
  if (l.verdict !== 'passed') {
    const problems = loadProblems(l);
    const first = problems[0] ?? `load ${l.verdict}`;
    body.push(
      `      <failure${attributes({
        message: l.verdict === 'inconclusive' ? `inconclusive: ${first}` : first,
        type: l.verdict === 'inconclusive' ? 'inconclusive' : 'load',
      })}>${escapeXml(problems.join('\n'))}</failure>\n`,
    );
  }
  body.push(systemOut(figures));
  return `    <testcase${attrs}>\n${body.join('')}    </testcase>\n`;
}

function systemOut(text: string): string {
  return `      <system-out>${escapeXml(text)}</system-out>\n`;
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
