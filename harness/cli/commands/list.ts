// `harness list [paths...]`: the scenarios a run would consider (after --grep/--tag/--mqtt), or with
// --targets the targets one can name. Nothing is started.
import type { ResolvedConfig } from '../../config/index.js';
import { checkScenarios, type ResolvedScenario } from '../../scenario/index.js';
import { BUILT_IN_TARGETS } from '../../targets/index.js';
import {
  COMMON_OPTIONS,
  checkChoices,
  checkRegExp,
  formatHelp,
  getFlag,
  getList,
  getString,
  reportError,
  type OptionTable,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { loadCommandConfig, parseOrHelp } from '../shared.js';
import { ScenarioValidationError } from '../../errors.js';

const OPTIONS: OptionTable = {
  grep: { type: 'string', short: 'g', value: 'REGEXP', description: 'only scenarios whose name matches' },
  tag: {
    type: 'string',
    multiple: true,
    value: 'TAG',
    description: 'only scenarios with this tag (any of those given)',
  },
  mqtt: {
    type: 'string',
    multiple: true,
    value: 'VERSION',
    description: 'only scenarios for this MQTT version',
  },
  targets: { type: 'boolean', description: 'list the targets (built-in and configured) instead' },
  json: { type: 'boolean', description: 'print JSON' },
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness list [paths...] [options]',
  'List scenarios (name, versions, level, tags, statements, file:line) or, with --targets, targets.',
  OPTIONS,
);

async function list(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('list', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values } = parsed;
    const grep = checkRegExp('list', 'grep', getString(values, 'grep'));
    const mqtt = checkChoices('list', 'mqtt', getList(values, 'mqtt'), ['3.1.1', '5.0'] as const);
    const config = await loadCommandConfig(parsed, io);
    const json = getFlag(values, 'json') ?? false;
    if (getFlag(values, 'targets')) {
      io.stdout.write(renderTargets(config, json));
      return EXIT.ok;
    }
    const { scenarios, issues } = await checkScenarios(config.paths, {
      cwd: io.cwd,
      targets: Object.keys(config.targets),
    });
    if (issues.length > 0) throw new ScenarioValidationError(issues);
    // The run's own filter, so `list` shows exactly what `run` would pick (loaded lazily: it pulls in the runner).
    const { filterScenarios } = await import('../../api.js');
    const selected = filterScenarios(scenarios, {
      ...(grep === undefined ? {} : { grep }),
      tags: getList(values, 'tag'),
      mqtt,
    });
    io.stdout.write(
      json ? `${JSON.stringify(selected.map(summarize), null, 2)}\n` : renderScenarios(selected),
    );
    return EXIT.ok;
  } catch (error) {
    return reportError('list', error, io.stderr);
  }
}

function summarize(scenario: ResolvedScenario): Record<string, unknown> {
  const statements = [...new Set(Object.values(scenario.statements).flat())];
  return {
    name: scenario.name,
    mqtt: scenario.versions,
    level: scenario.level,
    tags: scenario.tags,
    statements,
    requires: scenario.requires,
    kind: scenario.load === undefined ? 'conformance' : 'load',
    location: scenario.location,
  };
}

function renderScenarios(scenarios: readonly ResolvedScenario[]): string {
  const rows = scenarios.map((scenario) => {
    const statements = new Set(Object.values(scenario.statements).flat()).size;
    return [
      scenario.name,
      scenario.versions.join(','),
      scenario.load === undefined ? scenario.level : 'load',
      scenario.tags.join(','),
      `${statements} stmt`,
      scenario.location,
    ];
  });
  return `${table(rows)}${rows.length} scenario${rows.length === 1 ? '' : 's'}\n`;
}

function renderTargets(config: ResolvedConfig, json: boolean): string {
  const entries = [
    ...BUILT_IN_TARGETS.map((name) => ({ name, kind: name, source: 'built-in' })),
    ...Object.entries(config.targets).map(([name, target]) => ({
      name,
      kind: target.kind,
      source: config.configFile ?? '',
    })),
  ];
  const selected = config.selectedTargets.map((spec) => (typeof spec === 'string' ? spec : spec.kind));
  if (json) return `${JSON.stringify({ targets: entries, default: selected }, null, 2)}\n`;
  const rows = entries.map((entry) => [entry.name, entry.kind, entry.source]);
  return `${table(rows)}default: ${selected.join(', ')}\nany mqtt://, mqtts://, ws:// or wss:// URL is a target too\n`;
}

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map(
      (row) =>
        `${row
          .map((cell, index) => cell.padEnd(widths[index] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

export const command: CommandModule = {
  summary: 'list scenarios (or targets) without running them',
  run: list,
};
